// Loaded synchronously at the start of <body>: lets the CSS and GOV.UK Frontend know scripts run.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
