"""The data contract: pandera models, the strict loader, the bibliography, the data package, validation."""
