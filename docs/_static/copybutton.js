/* zeroopt: a "Copy" button on every code block. What it copies can be pasted and run: in a block with
   prompts (">>> ", "... ", "$ ") only the prompted lines are copied, without their prompts, so a
   doctest's output and a shell command's output are left out; a block without prompts is copied as it
   is. (Our own ~40 lines instead of the sphinx-copybutton package: one fewer dependency.) */
"use strict";

const PROMPT = /^(>>>|\.\.\.|\$)( |$)/;

function codeToCopy(text) {
  const lines = text.replace(/\n+$/, "").split("\n");
  if (!lines.some(line => PROMPT.test(line))) return lines.join("\n");
  return lines.filter(line => PROMPT.test(line)).map(line => line.replace(PROMPT, "")).join("\n");
}

function addCopyButtons() {
  for (const block of document.querySelectorAll("div.highlight")) {
    const pre = block.querySelector("pre");
    if (!pre || block.querySelector("button.zo-copy")) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "zo-copy";
    button.textContent = "Copy";
    button.title = "Copy the code (without prompts and output)";
    button.addEventListener("click", async () => {
      const text = codeToCopy(pre.textContent);
      try {
        await navigator.clipboard.writeText(text);
      } catch (err) {  // no clipboard API (an old browser, a page opened from a file): a hidden textarea
        const area = document.createElement("textarea");
        area.value = text;
        document.body.appendChild(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = "Copy"; }, 1500);
    });
    block.appendChild(button);
  }
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addCopyButtons);
  else addCopyButtons();
  window.zeroopt = Object.assign(window.zeroopt || {}, {codeToCopy: codeToCopy});
}
if (typeof module !== "undefined") module.exports = {codeToCopy: codeToCopy};
