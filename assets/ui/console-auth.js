// The status page's access token (issue 15 part 8; docs/operations.md § Access). Loaded before
// console.js. The page's shell says what the service asks the token for (<body data-auth-writes
// data-auth-reads>, from [Server] auth_token and auth_reads; never the token itself). When writes
// need it, a token control in the header offers the entry before the first write, and the write
// buttons (class "write") say a token is needed until one is given (console.css, by
// body[data-token=missing]); when reads need it too, the page asks for it at load. It wraps
// window.fetch: every request the page makes to its own origin carries the token kept in this
// tab's sessionStorage (Authorization: Bearer), and when the service answers 401 with a Bearer
// challenge (no token, or a wrong one) the control asks again. The token leaves the page for
// nothing but its own origin (its CSP forbids anything else) and is gone when the tab closes.
"use strict";
(() => {
  const KEY = "rb-aioutliers.token";
  const send = window.fetch.bind(window);
  const needs = { writes: document.body.dataset.authWrites === "true", reads: document.body.dataset.authReads === "true" };
  const token = () => sessionStorage.getItem(KEY) ?? "";
  let control;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    e.append(...children);
    return e;
  }

  /** Given a token: kept for this tab; the page reads again when its reads needed it. */
  function useToken(value) {
    sessionStorage.setItem(KEY, value);
    if (needs.reads) location.reload(); // every part of the page reads again, now with the token
    else draw("The token is kept for this tab: changes from this page carry it.", false);
  }
  function forgetToken() {
    sessionStorage.removeItem(KEY);
    if (needs.reads) location.reload();
    else draw(undefined, false);
  }

  /**
   * The token control in the header: with no token, a form saying `why` (or why by default) and
   * taking it, its entry focused when `ask` (the service refused a write or the token, or reads
   * need it at load; kept as it is otherwise, so a refresh never takes what is being typed); with
   * one, a line saying so with a "Forget token" button.
   */
  function draw(why, ask) {
    document.body.dataset.token = token() ? "given" : "missing";
    control ??= document.querySelector("header").appendChild(el("section", { id: "auth", "aria-label": "access token" }));
    if (token()) {
      const forget = el("button", { type: "button" }, "Forget token");
      forget.addEventListener("click", forgetToken);
      control.replaceChildren(el("p", { id: "auth-state", role: "status" }, why ?? "A token is given for this tab: changes from this page carry it. ", " ", forget));
      return;
    }
    let form = control.querySelector("#auth-form");
    if (!form) {
      const input = el("input", { id: "auth-token", type: "password", autocomplete: "current-password", required: "" });
      form = el("form", { id: "auth-form", "aria-labelledby": "auth-why" }, el("p", { id: "auth-why" }),
        el("label", { for: "auth-token" }, "Access token "), input, " ", el("button", { type: "submit" }, "Use this token"));
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        useToken(input.value.trim());
      });
      control.replaceChildren(form);
    }
    const text = form.querySelector("#auth-why");
    text.textContent = why ?? defaultWhy();
    if (!ask) return;
    text.setAttribute("role", "alert");
    form.querySelector("#auth-token").focus();
  }
  const defaultWhy = () => needs.reads
    ? "This service asks for a token ([Server] auth_token, auth_reads on): enter it to see and change its state."
    : "Changes from this page (maintenance windows, training, restores) need the service's token ([Server] auth_token): enter it before making one.";

  window.fetch = async (resource, init = {}) => {
    const url = new URL(resource instanceof Request ? resource.url : String(resource), location.href);
    if (url.origin !== location.origin) return send(resource, init);
    const given = token();
    const headers = new Headers(init.headers ?? (resource instanceof Request ? resource.headers : undefined));
    if (given) headers.set("authorization", `Bearer ${given}`);
    const answer = await send(resource, { ...init, headers });
    if (answer.status === 401 && /^Bearer\b/i.test(answer.headers.get("www-authenticate") ?? "")) {
      if (given) sessionStorage.removeItem(KEY);
      const write = !["GET", "HEAD"].includes((init.method ?? "GET").toUpperCase());
      const why = given ? "The service refused this token: enter its token ([Server] auth_token)."
        : write ? "The service refused a change made without its token ([Server] auth_token): enter it, then make the change again." : undefined;
      draw(why, given !== "" || write);
    }
    return answer;
  };

  if (needs.writes) draw(undefined, needs.reads && !token());
})();
