"""Home by role: an agent's queue by urgency; a supervisor's view of the team."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import role_required
from accounts.roles import Role, has_role
from complaints.selectors.queues import agent_home, supervisor_home


@require_safe  # a page to read: other methods are refused, never acted on
def home(request: HttpRequest) -> HttpResponse:
    """Staff get their home page; anyone else arriving at the site is shown the way to the public
    complaint form (and to the staff login) instead of a bare login page."""
    if not request.user.is_authenticated:
        return render(request, "welcome.html")
    return staff_home(request)


@role_required()
def staff_home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    if has_role(request.user, Role.SUPERVISOR):
        return render(
            request, "complaints/supervisor_home.html", {"team": supervisor_home(request.user, now=now)}
        )
    return render(request, "complaints/home.html", {"home": agent_home(request.user, now=now)})
