// The status page's access token (issue 15 part 8; docs/operations.md § Access). Loaded before
// console.js, it wraps window.fetch: every request the page makes to its own origin carries the
// token kept in this tab's sessionStorage (Authorization: Bearer), and when the service answers
// 401 with a Bearer challenge ([Server] auth_token is set and the page has no token, or a wrong
// one) a small form in the header asks for it. The token leaves the page for nothing but its own
// origin (its CSP forbids anything else) and is gone when the tab closes.
"use strict";
(() => {
  const KEY = "rb-aioutliers.token";
  const send = window.fetch.bind(window);
  let form;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    e.append(...children);
    return e;
  }

  /** Shows the form (once), saying why it is asked for. */
  function askForToken(why) {
    if (form) {
      form.querySelector("#auth-why").textContent = why;
      return;
    }
    const input = el("input", { id: "auth-token", type: "password", autocomplete: "current-password", required: "" });
    form = el("form", { id: "auth-form", "aria-labelledby": "auth-why" },
      el("p", { id: "auth-why", role: "alert" }, why), el("label", { for: "auth-token" }, "Access token "), input, " ",
      el("button", { type: "submit" }, "Use this token"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      sessionStorage.setItem(KEY, input.value.trim());
      location.reload(); // every part of the page reads again, now with the token
    });
    document.querySelector("header").append(form);
    input.focus();
  }

  window.fetch = async (resource, init = {}) => {
    const url = new URL(resource instanceof Request ? resource.url : String(resource), location.href);
    if (url.origin !== location.origin) return send(resource, init);
    const token = sessionStorage.getItem(KEY);
    const headers = new Headers(init.headers ?? (resource instanceof Request ? resource.headers : undefined));
    if (token) headers.set("authorization", `Bearer ${token}`);
    const answer = await send(resource, { ...init, headers });
    if (answer.status === 401 && /^Bearer\b/i.test(answer.headers.get("www-authenticate") ?? ""))
      askForToken(token ? "The service refused this token: enter its token ([Server] auth_token)." : "This service asks for a token ([Server] auth_token): enter it to see and change its state.");
    return answer;
  };
})();
