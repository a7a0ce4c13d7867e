// Galley's editor, made better by script: live preview, autosave, a local copy that survives a
// dropped connection, and image uploads. Every part also works without it, as plain forms.
"use strict";

(function () {
  const csrf = () => {
    const field = document.querySelector('input[name="_csrf"]');
    return field ? field.value : "";
  };
  const status = (text) => {
    const node = document.getElementById("editor-status");
    if (node) node.textContent = text;
  };

  // POST a form body with the session's CSRF token; resolves to the Response.
  const post = (url, fields) =>
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf(), Accept: "application/json, text/html" },
      body: new URLSearchParams(fields),
    });

  async function upload(file, onDone) {
    status("Uploading " + file.name + "…");
    try {
      const response = await fetch("/admin/media", {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": file.type || "application/octet-stream",
          "X-File-Name": encodeURIComponent(file.name || "image"),
          "X-CSRF-Token": csrf(),
          Accept: "application/json",
        },
        body: file,
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
      status("Uploaded " + file.name + ".");
      onDone(body);
    } catch (error) {
      status("Upload failed: " + error.message);
    }
  }

  const images = (list) => Array.from(list || []).filter((file) => file.type.startsWith("image/"));

  // The media page: upload, then reload to show the new item.
  const mediaInput = document.querySelector("input[data-media-page]");
  if (mediaInput) {
    mediaInput.addEventListener("change", async () => {
      for (const file of images(mediaInput.files)) await upload(file, () => {});
      location.reload();
    });
  }

  const form = document.getElementById("editor");
  if (!form) return;
  const source = document.getElementById("source");
  const title = document.getElementById("title");
  const slug = document.getElementById("slug");
  const preview = document.getElementById("preview");
  const version = form.querySelector('input[name="version"]');
  let postId = form.dataset.postId;
  let autosaveURL = form.dataset.autosave;
  const storageKey = () => "galley:unsaved:" + (postId || "new");

  // Live preview: the server renders with the published page's own pipeline.
  let previewTimer = null;
  let previewSequence = 0;
  const refreshPreview = () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      const sequence = ++previewSequence;
      try {
        const response = await post("/admin/preview", { source: source.value });
        if (response.ok && sequence === previewSequence) preview.innerHTML = await response.text();
      } catch (error) {
        status("Preview unavailable: offline?");
      }
    }, 250);
  };

  // A copy in this browser, kept on every keystroke, offered back after a lost connection.
  const snapshot = () => ({ title: title.value, source: source.value, version: version.value, at: Date.now() });
  const keepLocally = () => {
    try {
      localStorage.setItem(storageKey(), JSON.stringify(snapshot()));
    } catch (error) {
      /* storage full or disabled: the server autosave still runs */
    }
  };
  const stored = (() => {
    try {
      return JSON.parse(localStorage.getItem(storageKey()) || "null");
    } catch (error) {
      return null;
    }
  })();
  if (stored && (stored.source !== source.value || stored.title !== title.value)) {
    const banner = document.getElementById("local-copy");
    banner.hidden = false;
    document.getElementById("local-restore").addEventListener("click", () => {
      title.value = stored.title;
      source.value = stored.source;
      banner.hidden = true;
      refreshPreview();
    });
    document.getElementById("local-discard").addEventListener("click", () => {
      localStorage.removeItem(storageKey());
      banner.hidden = true;
    });
  } else {
    localStorage.removeItem(storageKey());
  }

  // Autosave to the server, coalesced: at most one request in flight, a few seconds apart.
  let dirty = false;
  let saving = false;
  let autosaveTimer = null;
  const autosave = async () => {
    if (!dirty || saving || !title.value.trim()) return;
    saving = true;
    dirty = false;
    try {
      const response = await post(autosaveURL, { title: title.value, source: source.value, slug: slug.value, tags: form.tags.value, summary: form.summary.value });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
      if (!postId) {
        // The first autosave created the post as a draft: carry on as its editor.
        localStorage.removeItem(storageKey());
        postId = String(body.post_id);
        autosaveURL = body.autosave_url;
        form.action = body.edit_url;
        form.dataset.postId = postId;
        version.value = String(body.version);
        slug.value = body.slug;
        history.replaceState(null, "", body.edit_url);
        const heading = document.querySelector("h1");
        if (heading) heading.textContent = "Edit “" + title.value.trim() + "”";
        const state = document.querySelector(".admin-links .state");
        if (state) {
          state.textContent = "draft";
          state.className = "state state-draft";
        }
        keepLocally();
      }
      status("Draft kept on the server at " + body.saved_at + ".");
    } catch (error) {
      dirty = true;
      status("Not autosaved (" + error.message + "); a copy is kept in this browser.");
    } finally {
      saving = false;
    }
  };
  const changed = () => {
    dirty = true;
    keepLocally();
    clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(autosave, 2000);
  };

  source.addEventListener("input", () => {
    changed();
    refreshPreview();
  });
  title.addEventListener("input", () => {
    changed();
    if (!postId && !slug.dataset.edited) {
      slug.value = title.value
        .normalize("NFKD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 200);
    }
  });
  slug.addEventListener("input", () => (slug.dataset.edited = "1"));
  window.addEventListener("beforeunload", (event) => {
    if (dirty && !form.dataset.submitting) event.preventDefault();
  });
  form.addEventListener("submit", () => (form.dataset.submitting = "1"));

  // Images: the picker, drag-and-drop and paste all end as Markdown at the cursor.
  const insert = (text) => {
    const start = source.selectionStart;
    const end = source.selectionEnd;
    const before = source.value.slice(0, start);
    const padded = (before && !before.endsWith("\n") ? "\n\n" : "") + text + "\n";
    source.setRangeText(padded, start, end, "end");
    source.dispatchEvent(new Event("input"));
  };
  const uploadAll = async (files) => {
    for (const file of images(files)) await upload(file, (body) => insert(body.markdown));
  };
  const picker = document.getElementById("upload");
  picker.addEventListener("change", async () => {
    await uploadAll(picker.files);
    picker.value = "";
  });
  source.addEventListener("dragover", (event) => event.preventDefault());
  source.addEventListener("drop", (event) => {
    if (images(event.dataTransfer.files).length === 0) return;
    event.preventDefault();
    uploadAll(event.dataTransfer.files);
  });
  source.addEventListener("paste", (event) => {
    const files = images(event.clipboardData && event.clipboardData.files);
    if (files.length === 0) return;
    event.preventDefault();
    uploadAll(files);
  });
})();
