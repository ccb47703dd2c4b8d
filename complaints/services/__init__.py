"""Use cases of the complaints app. Views, admin, tasks and commands all call these."""
