"""Pages of the documents app, one module per area; each module exports its `urlpatterns`."""
