"""Build tooling for the Mindful Alliance site: bibliography, citations, exports and checks."""
