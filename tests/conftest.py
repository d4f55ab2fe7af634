import pytest

from mlkata.client import WorkerClient


@pytest.fixture(scope="session")
def worker():
    """One warm check worker for the whole session: checks run the way `watch` runs them."""
    with WorkerClient(parallel=2) as client:
        client.wait_ready()
        yield client
