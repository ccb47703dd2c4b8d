"""Every insights use case that writes: rollups, problems, lessons, teams, the weekly digest."""
