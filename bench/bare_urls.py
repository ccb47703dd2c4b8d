"""The portal plus the bare view every page is measured against: Django renders 25 rows of one
indexed query over the case table, through the same middleware, and nothing else."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from complaints.models import Complaint
from portal.urls import urlpatterns as portal_urlpatterns

TEMPLATE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><title>Bare</title></head><body><table>'
    "{% for c in cases %}<tr><td>{{ c.reference }}</td><td>{{ c.received_at|date:'j M Y H:i' }}</td>"
    "<td>{{ c.status }}</td></tr>{% endfor %}</table></body></html>"
)


def bare(request: HttpRequest) -> HttpResponse:
    cases = Complaint.objects.only("reference", "received_at", "status").order_by("-received_at", "-id")[:25]
    return HttpResponse(TEMPLATE.render({"cases": cases}, request))


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]
