"""Use cases of resolution and compensation. Views, admin actions and tasks all call these."""
