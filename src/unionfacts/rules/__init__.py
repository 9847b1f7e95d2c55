"""Rule packs: loading and compiling them (packs, fastre) and checking their examples (check)."""
