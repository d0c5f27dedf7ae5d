// Draws /api/docs with the vendored Swagger UI (a file, since the CSP allows no inline script).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: target.dataset.specUrl,
    domNode: target,
    deepLinking: true,
    validatorUrl: null, // the default would send the document to swagger.io
    tryItOutEnabled: false,
    defaultModelsExpandDepth: 0,
  });
});
