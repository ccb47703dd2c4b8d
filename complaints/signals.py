"""What the complaints app announces to the apps above it. The whole list:

- `case_reopened(sender=Complaint, complaint, reason, now)`: a resolved, closed or withdrawn case
  is open again.
- `case_withdrawn(sender=Complaint, complaint, reason, now)`: the customer withdrew the case.
- `cases_imported(sender=Complaint, first_received, last_received, count)`: an import stored
  `count` cases received between those two moments (figures kept per day must be recounted).

The first two are sent inside the transaction that changes the status, so what a receiver does (cancel the
follow-ups still waiting) commits or rolls back with the change itself: a survey must never
outlive the reopening that made it pointless. Receivers connect in their `AppConfig.ready()`.
"""

from django.dispatch import Signal

case_reopened = Signal()
case_withdrawn = Signal()
cases_imported = Signal()
