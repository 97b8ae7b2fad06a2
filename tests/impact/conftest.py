"""Fixtures shared by the impact tests."""

from __future__ import annotations

import gzip
import importlib.metadata
import pickle
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import typer

from stabilis.cli.impact import app as impact_app
from stabilis.cli.main import State


@pytest.fixture
def cli(tmp_path: Path) -> typer.Typer:
    """The ``impact`` commands on a data directory of the test's own (``tmp_path / "data"``)."""
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = State(tmp_path / "data", None, None)

    root.add_typer(impact_app, name="impact")
    return root


@pytest.fixture(scope="session")
def moderndid_data() -> Callable[[str], pd.DataFrame]:
    """A loader of the data sets the ``moderndid`` dev dependency bundles (pickled pandas
    frames in a pinned, published wheel): ``moderndid_data("mpdta_long")``; skips when the
    package is not installed."""

    def load(name: str) -> pd.DataFrame:
        try:
            dist = importlib.metadata.distribution("moderndid")
        except importlib.metadata.PackageNotFoundError:
            pytest.skip(f"the moderndid dev dependency (which bundles {name}) is not installed")
        with gzip.open(str(dist.locate_file(f"moderndid/core/datasets/{name}.pkl.gz"))) as fh:
            return pickle.load(fh)

    return load
