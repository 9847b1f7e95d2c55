"""The I/O edge: sources (decoding, input discovery, record readers) and sinks (writers)."""
