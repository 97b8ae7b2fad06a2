"""The command line: a thin adapter over :class:`stabilis.workspace.Workspace`."""
