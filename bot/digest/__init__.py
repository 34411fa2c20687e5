"""The weekly digest: its figures as Persian messages (render), its chart, the posting to channels
week by week (post), and the week and scope an admin types (scope)."""
