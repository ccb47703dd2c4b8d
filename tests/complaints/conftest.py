import pytest
from django.test import Client

from tests.factories import AgentFactory, SupervisorFactory


@pytest.fixture
def agent(db):
    return AgentFactory(username="alex", first_name="Alex", last_name="Agent")


@pytest.fixture
def agent_client(agent) -> Client:
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def supervisor(db):
    return SupervisorFactory(username="morgan", first_name="Morgan", last_name="Lead")


@pytest.fixture
def supervisor_client(supervisor) -> Client:
    client = Client()
    client.force_login(supervisor)
    return client
