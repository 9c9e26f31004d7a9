"""The reporting world and its cast, for the tests of the shared helpers that go through every page."""

from tests.reporting.conftest import cast, world  # noqa: F401 (fixtures)
