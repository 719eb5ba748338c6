"""Pages of the plans app, one module per area; each module exports its `urlpatterns`."""
