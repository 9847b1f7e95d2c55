"""The pipeline stages, in order: normalize, metadata (timebase: calendar), candidates, builders
(numbers, dates), resolve, subjects, lists. Each is a pure function of the compiled rules and its input."""
