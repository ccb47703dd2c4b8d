from django.http import HttpRequest

from accounts.roles import Role, has_role


def roles(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {
        "is_agent": has_role(user, Role.AGENT),
        "is_supervisor": has_role(user, Role.SUPERVISOR),
        "is_admin": has_role(user, Role.ADMIN),
    }
