"""Files on a case for staff: attach from the case page, download through the access rule."""

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import role_required
from complaints.access import can_work_on, visible_complaints
from complaints.errors import NotAllowed
from complaints.forms.files import StaffAttachmentForm
from complaints.models import Attachment
from complaints.services.attachments import attach_file


@role_required()
@require_http_methods(["GET", "POST"])
def attach_files(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = get_object_or_404(visible_complaints(request.user), reference=reference)
    if not can_work_on(request.user, complaint):
        messages.error(request, "Only the case's owner or a supervisor can attach files to it.")
        return redirect("complaints:detail", reference)
    form = StaffAttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for uploaded in form.cleaned_data["attachments"]:
                    attach_file(complaint=complaint, uploaded_file=uploaded, actor=request.user)  # type: ignore[arg-type]
        except NotAllowed as refusal:  # the owner changed since the page was shown
            messages.error(request, str(refusal))
            return redirect("complaints:detail", reference)
        count = len(form.cleaned_data["attachments"])
        messages.success(request, f"{count} file{'s' if count != 1 else ''} attached.")
        return redirect("complaints:detail", reference)
    return render(request, "complaints/attach.html", {"complaint": complaint, "form": form})


@role_required()  # type: ignore[type-var]  # a FileResponse streams; the guard does not care
@require_http_methods(["GET"])
def download_attachment(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("complaint"), pk=pk)
    if not visible_complaints(request.user).filter(pk=attachment.complaint_id).exists():
        raise Http404("No such file.")
    handle = attachment.file.open("rb")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
