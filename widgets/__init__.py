"""Every Qt class of Crucible: main window, dock panels, tag-bound widgets, dialogs, theme."""
