"""Demo data for `make run`: two complaints filed on the public form, one with an addition.

Their acknowledgement emails go through the worker like any other: with the embedded default
they land as .eml files in var/mail/, whose link opens the customer's status page.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Category, Complaint
from complaints.public.services import add_customer_information, submit_public_complaint

DEMO = [
    {
        "name": "Grace Adeyemi",
        "email": "grace.adeyemi@example.com",
        "phone": "+44 20 7946 0321",
        "order_reference": "ORD-20431",
        "customer_words": (
            "My card was charged twice for the same order on Monday. I called on Tuesday and was "
            "told it would be fixed within 48 hours, but both charges are still there."
        ),
        "desired_outcome": "Refund the duplicate charge and confirm it in writing.",
        "time_zone": "Europe/London",
        "addition": "My bank statement (attached) shows both charges of £49.99.",
    },
    {
        "name": "Tomás Ruiz",
        "email": "tomas.ruiz@example.com",
        "phone": "",
        "order_reference": "",
        "customer_words": "The letter about my account closure gave no reason and no number to call.",
        "desired_outcome": "An explanation, and my account reopened if this was a mistake.",
        "time_zone": "Europe/Madrid",
        "addition": "",
    },
]


def seed_public_complaints() -> int:
    category = Category.objects.filter(is_active=True, parent__isnull=True).order_by("name").first()
    if category is None:
        category = Category.objects.create(name="General")
    created = 0
    for item in DEMO:
        if Complaint.objects.filter(customer__email=item["email"]).exists():
            continue
        complaint = submit_public_complaint(
            name=item["name"],
            email=item["email"],
            phone=item["phone"],
            category=category,
            order_reference=item["order_reference"],
            customer_words=item["customer_words"],
            desired_outcome=item["desired_outcome"],
            time_zone=item["time_zone"],
        )
        if item["addition"]:
            statement = SimpleUploadedFile(
                "statement.txt", b"Mon  CARD PAYMENT  ORD-20431  49.99\nMon  CARD PAYMENT  ORD-20431  49.99\n"
            )
            add_customer_information(complaint=complaint, text=item["addition"], files=[statement])
        created += 1
    return created
