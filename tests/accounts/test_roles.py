"""Every portal page needs a login and the right role; Django admin is for staff only."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AdminUserFactory, AgentFactory, ComplaintFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_three_role_groups_exist_with_permissions() -> None:
    groups = {g.name: g.permissions.count() for g in Group.objects.all()}
    assert set(groups) >= {"Agent", "Supervisor", "Admin"}
    assert groups["Admin"] > groups["Supervisor"] >= groups["Agent"] > 0


def test_an_anonymous_visitor_of_a_staff_page_is_sent_to_the_login_page(client) -> None:
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/cases/")


def test_a_user_without_a_role_gets_a_friendly_403(client) -> None:
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 403
    assert b"have access to this page" in response.content


def test_an_agent_sees_their_queue(client) -> None:
    agent = AgentFactory()
    mine = ComplaintFactory(owner=agent)
    client.force_login(agent)
    response = client.get("/")
    assert response.status_code == 200
    assert mine.reference in response.content.decode()


def test_a_case_page_is_behind_the_same_rule_as_the_queue(client) -> None:
    complaint = ComplaintFactory()
    client.force_login(UserFactory())
    assert client.get(f"/cases/{complaint.reference}/").status_code == 403
    client.force_login(AgentFactory())
    assert client.get(f"/cases/{complaint.reference}/").status_code == 200


def test_an_unknown_page_gets_a_friendly_404(client) -> None:
    client.force_login(AgentFactory())
    response = client.get("/cases/RD-1900-000000/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_django_admin_is_for_staff_only(client) -> None:
    client.force_login(AgentFactory())
    assert client.get("/admin/").status_code == 302
    client.force_login(AdminUserFactory())
    assert client.get("/admin/").status_code == 200


def test_login_with_a_wrong_password_keeps_the_username_and_says_why(client) -> None:
    AgentFactory(username="casey")
    response = client.post("/accounts/login/", {"username": "casey", "password": "nope"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="casey"' in body
    assert "Please enter a correct username and password" in body


def test_logout_is_a_post_and_ends_the_session(client) -> None:
    client.force_login(AgentFactory())
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/cases/").status_code == 302


def test_a_staff_page_reads_the_users_roles_with_the_user_and_afresh_on_every_request(client) -> None:
    agent = AgentFactory()
    client.force_login(agent)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/").status_code == 200
    # The user and their groups in one statement: no separate read of the groups.
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().startswith('SELECT "auth_group"')]

    agent.groups.clear()  # the role taken away: refused at the next request, not later
    assert client.get("/cases/").status_code == 403
    agent.groups.add(Group.objects.get(name="Supervisor"))
    assert "Approvals" in client.get("/").content.decode()


def test_a_deactivated_user_is_signed_out_at_the_next_request(client) -> None:
    agent = AgentFactory()
    client.force_login(agent)
    assert client.get("/cases/").status_code == 200
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
