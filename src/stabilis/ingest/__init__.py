"""Pull (mirror or download) -> snapshot with sidecar -> parse -> harmonise -> load."""
