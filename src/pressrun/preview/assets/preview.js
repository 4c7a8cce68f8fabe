// The preview page: the edition's pages as images with their text over them, updated by
// the server's events; problems over the last good pages; the view kept, or moved to the
// first page that changed.
"use strict";

const pagesBox = document.getElementById("pages");
const statusLine = document.getElementById("status");
const problemsBox = document.getElementById("problems");
const problemDetails = document.getElementById("problem-details");
const problemsTitle = document.getElementById("problems-title");
const problemList = document.getElementById("problem-list");

let figures = new Map(); // page id -> its figure
let latest = null;

// A page's text is fetched when the page comes near the view, as its image is.
const nearView = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (entry.isIntersecting) {
      nearView.unobserve(entry.target);
      showText(entry.target);
    }
  }
}, { rootMargin: "800px 0px" });

async function showText(figure) {
  const response = await fetch(`/pages/${figure.dataset.id}.json`);
  if (!response.ok) return;
  const runs = await response.json();
  const spans = runs.map((run) => {
    const span = document.createElement("span");
    span.textContent = run.text;
    span.style.left = `${run.x * 100}%`;
    span.style.top = `${run.y * 100}%`;
    span.style.width = `${run.w * 100}%`;
    span.style.height = `${run.h * 100}%`;
    span.style.fontSize = `${run.h * 85}cqh`;
    return span;
  });
  figure.querySelector(".text").replaceChildren(...spans);
  figure.dataset.text = "shown";
}

function makeFigure(page, before) {
  const figure = document.createElement("figure");
  figure.className = "page";
  figure.dataset.id = page.id;
  figure.dataset.number = page.number;
  figure.style.aspectRatio = `${page.width} / ${page.height}`;
  if (before) {
    // The page it replaces stays visible until the new image has come.
    figure.style.backgroundImage = `url(/pages/${before.dataset.id}.png)`;
  }
  const image = document.createElement("img");
  image.loading = "lazy";
  image.alt = `Page ${page.number}`;
  image.src = `/pages/${page.id}.png`;
  const text = document.createElement("div");
  text.className = "text";
  const caption = document.createElement("figcaption");
  caption.textContent = page.number;
  figure.append(image, text, caption);
  nearView.observe(figure);
  return figure;
}

// The page at the top of the view and how far it is scrolled, to keep the view still.
function viewAnchor() {
  for (const figure of pagesBox.children) {
    const box = figure.getBoundingClientRect();
    if (box.bottom > 0) return { number: figure.dataset.number, offset: box.top };
  }
  return null;
}

function showPages(update) {
  const anchor = viewAnchor();
  const byNumber = new Map([...pagesBox.children].map((figure) => [figure.dataset.number, figure]));
  const next = new Map();
  const shown = update.pages.map((page) => {
    const figure = figures.get(page.id) || makeFigure(page, byNumber.get(String(page.number)));
    next.set(page.id, figure);
    return figure;
  });
  for (const [id, figure] of figures) if (!next.has(id)) nearView.unobserve(figure);
  pagesBox.replaceChildren(...shown);
  figures = next;
  const target = update.first_changed && shown[update.first_changed - 1];
  if (target) {
    target.scrollIntoView({ block: "start" });
    target.classList.remove("changed");
    void target.offsetWidth; // restarts the highlight
    target.classList.add("changed");
  } else if (anchor) {
    const same = shown.find((figure) => figure.dataset.number === anchor.number);
    if (same) window.scrollBy(0, same.getBoundingClientRect().top - anchor.offset);
  }
}

function showProblems(update) {
  const errors = update.problems.filter((problem) => problem.level === "error");
  const others = update.problems.length - errors.length;
  problemsBox.hidden = update.problems.length === 0;
  problemsBox.classList.toggle("has-errors", errors.length > 0);
  document.body.classList.toggle("failed", update.failed);
  problemDetails.open = errors.length > 0;
  const counts = [];
  if (errors.length) counts.push(`${errors.length} error${errors.length > 1 ? "s" : ""}`);
  if (others) counts.push(`${others} warning${others > 1 ? "s" : ""}`);
  problemsTitle.textContent = counts.join(", ") + (update.failed ? ": these are the last good pages" : "");
  problemList.replaceChildren(
    ...update.problems.map((problem) => {
      const item = document.createElement("li");
      item.className = problem.level;
      const where = document.createElement("code");
      where.textContent = problem.where;
      item.append(where, `: ${problem.message}`);
      return item;
    }),
  );
}

function showStatus(text) {
  statusLine.textContent = text;
}

function onUpdate(event) {
  latest = JSON.parse(event.data);
  document.title = `${latest.language} · pressrun preview`;
  showProblems(latest);
  if (!latest.failed) showPages(latest);
  document.body.dataset.version = latest.version;
  const pages = `${latest.pages.length} pages`;
  showStatus(latest.failed ? `${latest.language}: not updated (${pages} shown)` : `${latest.language}: ${pages}, updated in ${latest.seconds.toFixed(2)} s`);
  document.body.classList.remove("building");
}

const events = new EventSource("/events");
events.addEventListener("update", onUpdate);
events.addEventListener("building", () => {
  document.body.classList.add("building");
  showStatus(latest ? `${latest.language}: updating…` : "Making the pages…");
});
events.addEventListener("error", () => showStatus("Not connected: is pressrun preview still running?"));
