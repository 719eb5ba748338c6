// egov's page script (an ES module; see core/base.html).
//
// Starts GOV.UK Frontend's components, on the page and in content that htmx swaps in later.
// The bundle's URL comes from the data-govuk-frontend attribute of this script's tag, so it is the
// {% static %} URL (hashed in production) rather than a relative import that the static files
// manifest would not rewrite.
const tag = document.querySelector("script[data-govuk-frontend]");

if (tag) {
  import(tag.dataset.govukFrontend).then(({ initAll }) => {
    initAll();
    // htmx fires htmx:load for each piece of new content (and once for <body>, already done).
    // The scope is the parent, so that a swapped-in element that is itself a component starts
    // too; components already started nearby refuse a second start, which is not an error here.
    document.addEventListener("htmx:load", (event) => {
      const element = event.detail && event.detail.elt;
      if (element && element !== document.body && element.parentElement) {
        initAll({
          scope: element.parentElement,
          onError: (error) => {
            if (error.name !== "InitError") console.error(error);
          },
        });
      }
    });
  });
}
