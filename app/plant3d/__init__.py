"""The 3D plant view: scene model, loader with binding checks, danger-zone state (no Qt, no VTK)."""
