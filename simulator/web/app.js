// Web chat of the simulator: talks to the control API under /_sim/ and renders chats safely.
// Text from users and the bot only ever reaches the page through textContent / text nodes.
"use strict";

(() => {
  const S = window.STRINGS;
  const $ = (id) => document.getElementById(id);
  const SVG_NS = "http://www.w3.org/2000/svg";
  const ICONS = {
    send: "M2.01 21 23 12 2.01 3 2 10l15 2-15 2z",
    attach:
      "M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z",
    pin: "M12 2a7 7 0 0 0-7 7c0 5.25 7 13 7 13s7-7.75 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z",
    slash: "M15.6 3.2 17.4 4 8.4 20.8 6.6 20z",
    back: "M12 4l-1.41 1.41L16.17 11H4v2h12.17l-5.58 5.59L12 20l8-8z",
    "person-add":
      "M15 12a4 4 0 1 0-4-4 4 4 0 0 0 4 4zm-9-2V7H4v3H1v2h3v3h2v-3h3v-2zm9 4c-2.67 0-8 1.34-8 4v2h16v-2c0-2.66-5.33-4-8-4z",
    doc: "M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm-1 7V3.5L18.5 9z",
    contact:
      "M12 12a4 4 0 1 0-4-4 4 4 0 0 0 4 4zm0 2c-2.67 0-8 1.34-8 4v2h16v-2c0-2.66-5.33-4-8-4z",
    copy: "M16 1H4a2 2 0 0 0-2 2v14h2V3h12zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11z",
    share: "M14 9V5l7 7-7 7v-4.1c-5 0-8.5 1.6-11 5.1 1-5 4-10 11-11z",
    link: "M10.6 13.4a1 1 0 0 1 0-1.4l3.4-3.4a1 1 0 1 1 1.4 1.4L12 13.4a1 1 0 0 1-1.4 0zM7 17a3 3 0 0 1 0-4.2l2-2 1.4 1.4-2 2a1 1 0 0 0 1.4 1.4l2-2L13.2 15l-2 2A3 3 0 0 1 7 17zm8.2-4.2-1.4-1.4 2-2a1 1 0 0 0-1.4-1.4l-2 2L11 8.6l2-2a3 3 0 0 1 4.2 4.2z",
    lock: "M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 8V7a3 3 0 0 1 6 0v3z",
  };
  // Telegram's three button styles (Bot API 10.0), as its apps colour them.
  const STYLES = ["success", "danger", "primary"];
  const styleClass = (button) => (STYLES.includes(button.style) ? ` style-${button.style}` : "");
  const AVATAR_COLORS = ["#e17076", "#7bc862", "#65aadd", "#a695e7", "#ee7aae", "#6ec9cb", "#faa774"];
  const state = {
    info: null,
    users: [],
    userId: null,
    chats: [],
    chatId: null,
    chat: null,
    loads: 0,
    version: 0,
    seenAnswer: {},
    pendingButton: null,
    lastRendered: "",
    // Whether the newest message should stay in view: true until the person scrolls up.
    pinned: true,
    userScrolledAt: 0,
    scrollNext: false,
  };
  // Links and commands Telegram would recognise in plain text (it sends them as entities;
  // the simulator does not, so the page finds them the way a Telegram app does).
  const AUTO_LINK = /https?:\/\/[^\s<>"«»]+|(?<![\p{L}\p{N}_/])\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\p{L}\p{N}_/])/gu;
  const TRAILING = /[.,;:!?)\]،؛…]+$/u;

  // -- small helpers ----------------------------------------------------------------------------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    }
    return node;
  }

  function icon(name) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  const faDigits = (value) => String(value).replace(/\d/g, (d) => S.digits[d]);

  function clock(unix) {
    const date = new Date(unix * 1000);
    const hh = String(date.getHours()).padStart(2, "0");
    const mm = String(date.getMinutes()).padStart(2, "0");
    return faDigits(`${hh}:${mm}`);
  }

  function avatar(node, name, id) {
    node.textContent = (name || S.unknownInitial).trim().charAt(0);
    node.style.background = AVATAR_COLORS[Math.abs(Number(id)) % AVATAR_COLORS.length];
  }

  async function api(method, path, body, isForm) {
    const options = { method, headers: {} };
    if (body !== undefined) {
      if (isForm) options.body = body;
      else {
        options.body = JSON.stringify(body);
        options.headers["Content-Type"] = "application/json";
      }
    }
    const response = await fetch(`/_sim${path}`, options);
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  let toastTimer = null;
  function toast(text) {
    const node = $("toast");
    node.textContent = text;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, 3500);
  }

  function alertBox(text) {
    $("alert-text").textContent = text;
    $("alert-dialog").showModal();
  }

  async function guarded(action) {
    try {
      await action();
    } catch (error) {
      toast(`${S.error}: ${error.message}`);
    }
  }

  // -- formatted text: Telegram entities become DOM nodes -------------------------------------

  function entityNode(entity) {
    switch (entity.type) {
      case "bold": return el("b");
      case "italic": return el("i");
      case "underline": return el("u");
      case "strikethrough": return el("s");
      case "spoiler":
        return el("span", { class: "spoiler", onclick: (e) => e.currentTarget.classList.add("shown") });
      case "code": return el("code");
      case "pre": return el("pre", { dir: "ltr" });
      case "blockquote": return el("blockquote");
      case "expandable_blockquote":
        return el("blockquote", {
          class: "collapsed",
          onclick: (e) => e.currentTarget.classList.remove("collapsed"),
        });
      case "text_link":
      case "url":
        return el("a", { target: "_blank", rel: "noopener noreferrer" });
      case "bot_command":
        return el("span", { class: "command" });
      case "mention":
      case "text_mention":
        return el("span", { class: "mention" });
      case "hashtag":
      case "cashtag":
        return el("span", { class: "hashtag" });
      default:
        return el("span");
    }
  }

  function plainText(parent, text, linkify) {
    if (!linkify) { parent.append(document.createTextNode(text)); return; }
    let position = 0;
    for (const match of text.matchAll(AUTO_LINK)) {
      let found = match[0];
      if (!found.startsWith("/")) found = found.replace(TRAILING, "");
      parent.append(document.createTextNode(text.slice(position, match.index)));
      parent.append(found.startsWith("/") ? commandNode(found) : linkNode(found));
      position = match.index + found.length;
    }
    parent.append(document.createTextNode(text.slice(position)));
  }

  // An invite of this bot (https://t.me/<bot>?start=PAYLOAD) gives its payload, else null.
  function startPayload(href) {
    const username = state.info && state.info.bot.username;
    if (!username) return null;
    let url;
    try { url = new URL(href); } catch (error) { return null; }
    const host = url.hostname.toLowerCase();
    let name = url.pathname.replace(/^\//, "").replace(/\/$/, "");
    if (url.protocol === "tg:") name = host === "resolve" ? url.searchParams.get("domain") || "" : "";
    else if (!["t.me", "telegram.me", "www.t.me"].includes(host)) name = "";
    const ours = name.toLowerCase() === username.toLowerCase();
    const payload = url.searchParams.get("start");
    return ours && payload !== null && /^[A-Za-z0-9_-]{1,64}$/.test(payload) ? payload : null;
  }

  function linkNode(href, node) {
    const link = node || el("a", { target: "_blank", rel: "noopener noreferrer", text: href });
    if (/^(https?|tg):/i.test(href)) link.setAttribute("href", href);
    link.addEventListener("click", (event) => {
      const payload = startPayload(href);
      if (payload === null) return;
      // In the demo an invite opens the join flow: the person sends /start PAYLOAD to the bot.
      event.preventDefault();
      guarded(() => openStart(payload));
    });
    return link;
  }

  function commandNode(command, node) {
    const span = node || el("span", { class: "command", text: command });
    span.setAttribute("role", "link");
    span.dataset.command = command;
    span.addEventListener("click", () => guarded(() => sendText(command.replace(/@\w+$/, ""))));
    return span;
  }

  function renderEntities(parent, text, entities, start, end) {
    const sorted = entities
      .filter((e) => e.offset >= start && e.offset + e.length <= end)
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    const linkify = !["A", "CODE", "PRE"].includes(parent.tagName) && !parent.classList.contains("command");
    let position = start;
    let index = 0;
    while (index < sorted.length) {
      const entity = sorted[index];
      if (entity.offset < position) { index += 1; continue; }
      plainText(parent, text.slice(position, entity.offset), linkify);
      const node = entityNode(entity);
      if (entity.type === "url" || entity.type === "text_link") {
        linkNode(entity.url || text.slice(entity.offset, entity.offset + entity.length), node);
      }
      if (entity.type === "bot_command") {
        commandNode(text.slice(entity.offset, entity.offset + entity.length), node);
      }
      const inner = sorted.filter((e) => e !== entity && e.offset >= entity.offset
        && e.offset + e.length <= entity.offset + entity.length);
      renderEntities(node, text, inner, entity.offset, entity.offset + entity.length);
      parent.append(node);
      position = entity.offset + entity.length;
      index += 1;
    }
    plainText(parent, text.slice(position, end), linkify);
  }

  function formatted(text, entities) {
    const body = el("div", { class: "body", dir: "auto" });
    renderEntities(body, text, entities || [], 0, text.length);
    return body;
  }

  // -- rendering --------------------------------------------------------------------------------

  function userName(id) {
    const user = state.users.find((u) => u.id === id);
    return user ? user.first_name : "";
  }

  function serviceText(service, msg) {
    if (service.group_chat_created) return S.groupCreated;
    if (service.new_chat_members) {
      return service.new_chat_members.map((m) => S.joined(m.first_name)).join(S.listSeparator);
    }
    if (service.left_chat_member) return S.left(service.left_chat_member.first_name);
    const who = msg.sender ? msg.sender.first_name : "";
    if (service.chat_shared) {
      const shared = state.chats.find((c) => c.id === service.chat_shared.chat_id);
      return S.chatShared(who, service.chat_shared.title || (shared && shared.title) || service.chat_shared.chat_id);
    }
    if (service.users_shared) {
      const names = service.users_shared.users.map((u) => u.first_name || userName(u.user_id) || u.user_id);
      return S.usersShared(who, names.join(S.listSeparator));
    }
    return msg.sender ? msg.sender.first_name : "";
  }

  function isOutgoing(msg) {
    if (state.chat.type === "channel") return false;
    return !msg.from_bot && msg.sender && msg.sender.id === state.userId;
  }

  function photoGrid(messages) {
    const count = messages.length;
    const cls = count === 1 ? "n1" : count === 2 ? "n2" : count === 4 ? "n4" : "many";
    const grid = el("div", { class: `photo-grid ${cls}` });
    for (const msg of messages) {
      const best = msg.photo[msg.photo.length - 1];
      const img = el("img", { src: best.url, alt: S.photo, width: best.width, height: best.height, title: S.chartOpen });
      img.addEventListener("load", keepBottom);
      img.addEventListener("click", () => openPhoto(best.url, msg.protected));
      if (msg.protected) protect(img);
      grid.append(img);
    }
    return grid;
  }

  // Protected content (protect_content): no saving, dragging or copying, as in Telegram's apps.
  function protect(node) {
    node.setAttribute("draggable", "false");
    node.addEventListener("contextmenu", (event) => event.preventDefault());
    node.addEventListener("dragstart", (event) => event.preventDefault());
  }

  function openPhoto(url, isProtected) {
    const img = $("photo-full");
    img.src = url;
    img.alt = S.photo;
    img.classList.toggle("protected", Boolean(isProtected));
    if (isProtected) protect(img);
    $("photo-dialog").showModal();
  }

  function mediaBody(msg) {
    if (msg.document) {
      const kb = Math.max(1, Math.round(msg.document.size / 1024));
      return el("div", { class: "doc" },
        el("span", { class: "badge" }, icon("doc")),
        el("div", {},
          el("a", { href: msg.document.url, download: msg.document.file_name || "file", text: msg.document.file_name || S.document }),
          el("div", { class: "small", text: S.sizeKb(faDigits(kb)) })));
    }
    if (msg.location) {
      const { latitude, longitude } = msg.location;
      return el("div", { class: "loc" },
        el("span", { class: "badge" }, icon("pin")),
        el("div", {}, el("div", { text: S.location }),
          el("div", { class: "small ltr", text: `${latitude.toFixed(5)}, ${longitude.toFixed(5)}` })));
    }
    if (msg.contact) {
      return el("div", { class: "contact" },
        el("span", { class: "badge" }, icon("contact")),
        el("div", {}, el("div", { text: msg.contact.first_name }),
          el("div", { class: "small ltr", text: msg.contact.phone_number })));
    }
    return null;
  }

  function inlineKeyboard(msg) {
    if (!msg.buttons || !msg.buttons.length) return null;
    const board = el("div", { class: "inline-kb", dataset: { testid: "inline-keyboard" } });
    for (const row of msg.buttons) {
      const line = el("div", { class: "kb-row" });
      for (const button of row) {
        const node = el("button", { type: "button", class: `kb-btn${styleClass(button)}`, text: button.text });
        const kind = button.copy_text ? "copy" : button.switch_inline_query_chosen_chat ? "share" : button.url ? "link" : null;
        if (kind) {
          node.classList.add("has-icon");
          node.append(el("span", { class: "kb-icon" }, icon(kind)));
          node.dataset.kind = kind;
        }
        node.addEventListener("click", () => guarded(() => pressInline(msg, button, node)));
        line.append(node);
      }
      board.append(line);
    }
    return board;
  }

  function messageRow(group) {
    const msg = group[0];
    if (msg.service && Object.keys(msg.service).length) {
      return el("div", { class: "service", text: serviceText(msg.service, msg) });
    }
    const row = el("div", { class: `row ${isOutgoing(msg) ? "out" : "in"}`, dataset: { messageId: msg.message_id } });
    const photos = group.filter((m) => m.photo);
    const bubble = el("div", { class: `bubble${photos.length ? " media" : ""}` });
    const showSender = state.chat.type !== "private" && state.chat.type !== "channel" && !isOutgoing(msg);
    if (showSender) {
      const name = msg.from_bot ? (state.info ? state.info.bot.first_name : S.bot) : msg.sender.first_name;
      const senderId = msg.from_bot ? 0 : msg.sender.id;
      const label = el("div", { class: "sender", text: name });
      label.style.color = AVATAR_COLORS[(senderId + 3) % AVATAR_COLORS.length];
      bubble.append(label);
    }
    if (msg.forwarded) bubble.append(el("div", { class: "tag", text: S.forwarded }));
    if (msg.via_bot) bubble.append(el("div", { class: "tag via", text: S.viaBot(msg.via_bot) }));
    if (msg.protected) {
      bubble.classList.add("protected");
      bubble.title = S.protectedContent;
      protect(bubble);
    }
    if (photos.length) bubble.append(photoGrid(photos));
    const media = mediaBody(msg);
    if (media) bubble.append(media);
    const captioned = group.find((m) => m.caption) || null;
    // Only an edit of the text or caption is marked, as Telegram does (not a buttons-only one),
    // and never the bot's edit of a panel (edit_hidden), also once its buttons were taken off.
    const edited = msg.edited && !msg.edit_hidden;
    const meta = el("span", { class: "meta" }, edited ? `${S.edited} ` : "", clock(msg.date));
    if (msg.text !== null && msg.text !== undefined) {
      const body = formatted(msg.text, msg.entities);
      body.append(meta);
      bubble.append(body);
    } else if (captioned) {
      const body = formatted(captioned.caption, captioned.caption_entities);
      body.append(meta);
      bubble.append(body);
    } else {
      bubble.append(el("div", { class: "meta-row" }, meta));
    }
    row.append(bubble);
    const keyboard = inlineKeyboard(msg);
    if (keyboard) row.append(keyboard);
    return row;
  }

  function groupAlbums(messages) {
    const groups = [];
    for (const msg of messages) {
      const previous = groups[groups.length - 1];
      if (previous && msg.media_group_id && previous[0].media_group_id === msg.media_group_id) {
        previous.push(msg);
      } else {
        groups.push([msg]);
      }
    }
    return groups;
  }

  function renderMessages() {
    const box = $("messages");
    const chat = state.chat;
    const signature = JSON.stringify([chat.id, chat.messages, state.userId]);
    if (signature === state.lastRendered) return;
    state.lastRendered = signature;
    box.replaceChildren();
    if (!chat.messages.length) {
      box.append(el("div", { class: "empty", text: chat.type === "private" ? S.emptyPrivate : S.emptyChat }));
    }
    for (const group of groupAlbums(chat.messages)) box.append(messageRow(group));
    if (state.scrollNext) state.pinned = true;
    state.scrollNext = false;
    keepBottom();
  }

  // Scrolls to the newest message unless the person scrolled up to read older ones.
  function keepBottom() {
    if (!state.pinned) return;
    const box = $("messages");
    box.scrollTop = box.scrollHeight;
  }

  function nearBottom() {
    const box = $("messages");
    return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  }

  function renderReplyKeyboard() {
    const box = $("reply-keyboard");
    const board = state.chat && state.chat.reply_keyboard;
    const fresh = Boolean(state.chat && state.chat.type === "private" && !state.chat.messages.length);
    $("start-bar").hidden = !fresh || !canWrite();
    if (board && board.placeholder) $("text-input").placeholder = board.placeholder;
    const signature = JSON.stringify([board, canWrite()]);
    if (signature === box.dataset.signature) return;
    box.dataset.signature = signature;
    box.replaceChildren();
    box.hidden = !board || !canWrite();
    keepBottom();
    if (box.hidden) return;
    for (const row of board.rows) {
      const line = el("div", { class: "kb-row" });
      for (const button of row) {
        const node = el("button", { type: "button", class: `kb-btn${styleClass(button)}`, text: button.text });
        if (button.request_chat || button.request_users) node.dataset.kind = "picker";
        node.addEventListener("click", () => guarded(() => pressReply(button)));
        line.append(node);
      }
      box.append(line);
    }
    keepBottom();
  }

  function me() {
    return state.users.find((u) => u.id === state.userId) || null;
  }

  function canWrite() {
    const chat = state.chat;
    if (!chat) return false;
    if (chat.type === "private") return !(me() && me().blocked);
    const member = chat.members.find((m) => m.user_id === state.userId);
    if (chat.type === "channel") return Boolean(member && ["creator", "administrator"].includes(member.status));
    return Boolean(member && ["creator", "administrator", "member"].includes(member.status));
  }

  function renderHeader() {
    const chat = state.chat;
    const user = me();
    $("chat-title").textContent = chat.type === "private" ? state.info.bot.first_name : chat.title;
    avatar($("chat-avatar"), $("chat-title").textContent, chat.id);
    const sub = $("chat-sub");
    sub.classList.toggle("active", Boolean(chat.chat_action));
    if (chat.chat_action) {
      const actions = { upload_photo: S.uploadingPhoto, upload_document: S.uploadingDocument, find_location: S.choosingLocation };
      sub.textContent = actions[chat.chat_action] || S.typing;
    } else if (chat.type === "private") sub.textContent = S.online;
    else if (chat.type === "channel") sub.textContent = S.subscribers;
    else {
      const count = chat.members.filter((m) => ["creator", "administrator", "member"].includes(m.status)).length + 1;
      sub.textContent = S.members(faDigits(count));
    }
    const persona = $("persona-btn");
    persona.replaceChildren();
    if (user) {
      const face = el("span", { class: "avatar small-avatar" });
      avatar(face, user.first_name, user.id);
      persona.append(face, el("span", { class: "persona-name", text: user.first_name }));
    }
    const block = $("block-btn");
    block.hidden = chat.type !== "private" || !user;
    if (user) block.textContent = user.blocked ? S.unblock : S.block;
    const writable = canWrite();
    $("composer").hidden = !writable;
    const notice = $("notice");
    notice.hidden = writable;
    notice.replaceChildren();
    if (!writable) {
      if (chat.type === "private") {
        notice.append(S.blocked, el("button", { type: "button", class: "btn", text: S.unblock, onclick: () => guarded(toggleBlock) }));
      } else notice.append(S.readOnlyChannel);
    }
    $("text-input").placeholder = chat.type === "channel" ? S.channelPlaceholder : S.messagePlaceholder;
    const extras = chat.type !== "channel";
    $("commands-btn").hidden = !extras;
    $("location-btn").hidden = !extras;
  }

  function renderChatList() {
    const list = $("chat-list");
    list.replaceChildren();
    for (const chat of state.chats) {
      const title = chat.type === "private" ? state.info.bot.first_name : chat.title;
      const kind = { private: S.bot, group: S.members(faDigits(chat.members.length + 1)), supergroup: S.members(faDigits(chat.members.length + 1)), channel: S.subscribers }[chat.type];
      const face = el("div", { class: "avatar" });
      avatar(face, title, chat.id);
      const item = el("li", { class: `chat-item${chat.id === state.chatId ? " active" : ""}`, dataset: { chatId: chat.id } },
        face,
        el("div", { class: "chat-item-text" }, el("div", { class: "chat-item-title", text: title }), el("div", { class: "chat-item-sub", text: kind })));
      item.addEventListener("click", () => guarded(() => openChat(chat.id)));
      list.append(item);
    }
  }

  function renderUsers() {
    const select = $("user-select");
    select.replaceChildren();
    for (const user of state.users) {
      const name = user.title ? S.personTitle(user.first_name, user.title) : user.first_name;
      const option = el("option", { value: user.id, text: name });
      if (user.id === state.userId) option.selected = true;
      select.append(option);
    }
  }

  // -- data flow --------------------------------------------------------------------------------

  // Loads overlap (the long poll's refresh, a tap on another chat): only the newest one
  // started may draw, or a slow answer about the chat just left would replace the open one.
  async function loadChat() {
    if (state.chatId === null) return;
    const ticket = ++state.loads;
    const chat = await api("GET", `/chats/${state.chatId}`);
    if (ticket !== state.loads) return;
    state.chat = chat;
    renderHeader();
    renderMessages();
    renderReplyKeyboard();
  }

  async function refresh() {
    state.users = await api("GET", "/users");
    if (!state.users.some((u) => u.id === state.userId)) {
      state.userId = state.users.length ? state.users[0].id : null;
    }
    if (state.userId === null) return;
    state.chats = await api("GET", `/chats?user_id=${state.userId}`);
    if (!state.chats.some((c) => c.id === state.chatId)) state.chatId = state.userId;
    renderUsers();
    renderChatList();
    await loadChat();
    announceAnswer();
  }

  function announceAnswer() {
    const user = me();
    if (!user || !user.last_answer_query) return;
    if (state.seenAnswer[user.id] === user.last_answer_query) return;
    const first = state.seenAnswer[user.id] === undefined && !state.pendingButton;
    state.seenAnswer[user.id] = user.last_answer_query;
    document.querySelectorAll(".kb-btn.pending").forEach((n) => n.classList.remove("pending"));
    state.pendingButton = null;
    if (first) return;
    const answer = user.last_answer;
    if (answer && answer.text) {
      if (answer.show_alert) alertBox(answer.text);
      else toast(answer.text);
    }
  }

  async function pollChanges() {
    for (;;) {
      try {
        const data = await api("GET", `/changes?since=${state.version}&timeout=25`);
        if (data.version !== state.version) {
          state.version = data.version;
          await refresh();
        }
      } catch (error) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  // -- actions ----------------------------------------------------------------------------------

  async function openChat(chatId) {
    state.chatId = chatId;
    state.lastRendered = "";
    state.scrollNext = true;
    $("reply-keyboard").dataset.signature = "";
    $("app").classList.add("in-chat");
    $("commands-popup").hidden = true;
    renderChatList();
    await loadChat();
  }

  // Opens the private chat with the bot and sends /start PAYLOAD there (an invite link's join).
  async function openStart(payload) {
    if (state.chatId !== state.userId) await openChat(state.userId);
    await sendText(`/start ${payload}`);
  }

  async function sendText(text) {
    const value = text.trim();
    if (!value) return;
    state.scrollNext = true;
    if (state.chat.type === "channel") {
      await api("POST", `/channels/${state.chatId}/posts`, { text: value, user_id: state.userId });
    } else {
      await api("POST", `/users/${state.userId}/messages`, { text: value, chat_id: state.chatId });
    }
  }

  async function pressInline(msg, button, node) {
    if (button.url) { showLink(button.url); return; }
    if (button.copy_text) { await copyText(button.copy_text.text || ""); return; }
    if (button.switch_inline_query_chosen_chat) { await shareInline(button.switch_inline_query_chosen_chat); return; }
    if (button.callback_data === undefined) return;
    node.classList.add("pending");
    state.pendingButton = button.callback_data;
    await api("POST", `/users/${state.userId}/press`, { chat_id: state.chatId, message_id: msg.message_id, data: button.callback_data });
  }

  async function pressReply(button) {
    state.scrollNext = true;
    if (button.request_chat) { await pickChat(button.request_chat); return; }
    if (button.request_users) { await pickUsers(button.request_users); return; }
    if (button.request_location) { $("location-dialog").showModal(); return; }
    if (button.request_contact) {
      await api("POST", `/users/${state.userId}/contact`, { chat_id: state.chatId });
      return;
    }
    await sendText(button.text);
  }

  async function sendPhotos(files) {
    if (!files.length) return;
    if (files.length > 10) { toast(S.tooManyPhotos); return; }
    const form = new FormData();
    form.append("chat_id", String(state.chatId));
    const caption = $("text-input").value.trim();
    if (caption) form.append("caption", caption);
    for (const file of files) form.append("photo", file, file.name);
    $("text-input").value = "";
    state.scrollNext = true;
    await api("POST", `/users/${state.userId}/photos`, form, true);
  }

  async function sendLocation() {
    state.scrollNext = true;
    await api("POST", `/users/${state.userId}/location`, {
      chat_id: state.chatId, latitude: Number($("lat").value), longitude: Number($("lon").value),
    });
  }

  async function toggleBlock() {
    const user = me();
    await api("POST", `/users/${user.id}/${user.blocked ? "unblock" : "block"}`);
  }

  async function showCommands() {
    const popup = $("commands-popup");
    if (!popup.hidden) { popup.hidden = true; return; }
    // The list Telegram shows this person in this chat: the first set in its order of scopes.
    const chosen = await api("GET", `/menu?user_id=${state.userId}&chat_id=${state.chatId}`);
    popup.replaceChildren();
    if (!chosen || !chosen.commands.length) popup.append(el("div", { class: "small", text: S.noCommands }));
    for (const command of chosen ? chosen.commands : []) {
      const item = el("button", { type: "button" }, el("span", { class: "cmd", text: `/${command.command}` }), el("span", { text: command.description }));
      item.addEventListener("click", () => guarded(async () => { popup.hidden = true; await sendText(`/${command.command}`); }));
      popup.append(item);
    }
    popup.hidden = false;
  }

  // -- Telegram's own buttons: links, copying, pickers, inline mode ------------------------------

  function decoded(value) {
    try { return decodeURIComponent(value); } catch (error) { return value; }
  }

  // A URL button opens a readable card: where it leads, what a share link would send.
  function showLink(href) {
    const body = $("link-body");
    const actions = $("link-actions");
    body.replaceChildren();
    actions.replaceChildren();
    let url = null;
    try { url = new URL(href); } catch (error) { url = null; }
    const share = url && ["t.me", "telegram.me"].includes(url.hostname) && url.pathname === "/share/url";
    if (share) {
      body.append(el("div", { class: "small", text: S.linkShareText }), el("p", { class: "link-text", dir: "auto", text: url.searchParams.get("text") || "" }));
      body.append(el("div", { class: "small", text: S.linkShareUrl }), el("p", { class: "link-url ltr", text: decoded(url.searchParams.get("url") || "") }));
    } else {
      body.append(el("p", { class: "link-url ltr", text: decoded(href) }));
    }
    const target = share ? url.searchParams.get("url") || "" : href;
    const payload = startPayload(target);
    if (payload !== null) {
      actions.append(el("button", { type: "submit", class: "btn primary", text: S.linkBot, onclick: () => guarded(() => openStart(payload)) }));
    } else if (/^(https?|tg):/i.test(href)) {
      actions.append(el("a", { class: "btn primary", href, target: "_blank", rel: "noopener noreferrer", text: share ? S.linkShare : S.linkOpen }));
    }
    actions.append(el("button", { type: "submit", class: "btn", text: S.close }));
    $("link-dialog").showModal();
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      const area = el("textarea", { class: "offscreen" });
      area.value = text;
      document.body.append(area);
      area.select();
      const done = document.execCommand("copy");
      area.remove();
      if (!done) { toast(S.copyFailed); return; }
    }
    document.body.dataset.copied = text;
    toast(S.copied(text));
  }

  // One list to choose from (a picker of chats or people, results, personas).
  function choose(title, note, items) {
    $("pick-title").textContent = title;
    $("pick-note").textContent = note || "";
    $("pick-note").hidden = !note;
    const list = $("pick-list");
    list.replaceChildren();
    if (!items.length) list.append(el("li", { class: "small", text: S.noneToPick }));
    for (const item of items) {
      const face = el("div", { class: "avatar" });
      avatar(face, item.label, item.id);
      const entry = el("li", { class: "pick-item", tabindex: "0", dataset: { id: item.id } },
        face, el("div", { class: "pick-text" }, el("div", { class: "pick-label", text: item.label }), item.sub ? el("div", { class: "small", text: item.sub }) : null));
      const go = () => { $("pick-dialog").close(); guarded(item.onPick); };
      entry.addEventListener("click", go);
      entry.addEventListener("keydown", (event) => { if (event.key === "Enter") go(); });
      list.append(entry);
    }
    $("pick-dialog").showModal();
  }

  function rightsNote(request) {
    const rights = request.bot_administrator_rights;
    if (rights) {
      const names = Object.entries(rights).filter(([, on]) => on === true).map(([name]) => S.rightNames[name] || name);
      return S.botGetsRights + names.join(S.listSeparator);
    }
    return request.bot_is_member ? S.botJoins : "";
  }

  async function pickChat(request) {
    const found = await api("GET", `/users/${state.userId}/pickable?kind=request_chat&request_id=${request.request_id}`);
    const items = found.chats.map((chat) => ({
      id: chat.id,
      label: chat.title,
      sub: chat.type === "channel" ? S.subscribers : S.members(faDigits(chat.members.length + 1)),
      onPick: () => api("POST", `/users/${state.userId}/share_chat`, { request_id: request.request_id, shared_chat_id: chat.id }),
    }));
    choose(request.chat_is_channel ? S.pickChannel : S.pickGroup, rightsNote(request), items);
  }

  async function pickUsers(request) {
    const found = await api("GET", `/users/${state.userId}/pickable?kind=request_users&request_id=${request.request_id}`);
    const items = found.users.map((user) => ({
      id: user.id,
      label: user.first_name,
      sub: user.username ? `@${user.username}` : "",
      onPick: () => api("POST", `/users/${state.userId}/share_users`, { request_id: request.request_id, user_ids: [user.id] }),
    }));
    choose(S.pickPeople, "", items);
  }

  // switch_inline_query_chosen_chat: pick a chat of the allowed kinds, then one of the bot's
  // inline results; it is sent there as the person's message «via @bot».
  async function shareInline(chosen) {
    const allowed = (chat) => {
      if (chat.type === "private") return Boolean(chosen.allow_bot_chats);
      if (chat.type === "channel") return Boolean(chosen.allow_channel_chats) && chat.members.some((m) => m.user_id === state.userId && ["creator", "administrator"].includes(m.status));
      return Boolean(chosen.allow_group_chats);
    };
    const items = state.chats.filter(allowed).map((chat) => ({
      id: chat.id,
      label: chat.type === "private" ? state.info.bot.first_name : chat.title,
      sub: chat.type === "channel" ? S.subscribers : chat.type === "private" ? S.bot : S.members(faDigits(chat.members.length + 1)),
      onPick: () => inlineResults(chosen.query || "", chat.id),
    }));
    choose(S.shareTo, items.length ? "" : S.shareNowhere(S.newGroup), items);
  }

  async function inlineResults(query, chatId) {
    const asked = await api("POST", `/users/${state.userId}/inline`, { query, chat_id: chatId });
    let answer = null;
    for (let i = 0; i < 150; i += 1) { // up to 15 s, as a phone waits for a slow bot
      answer = await api("GET", `/inline/${asked.inline_query_id}`);
      if (answer.answered) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!answer || !answer.answered || !answer.results.length) { toast(S.inlineNone); return; }
    const items = answer.results.map((result) => ({
      id: result.id,
      label: result.title,
      sub: result.description,
      onPick: async () => {
        await api("POST", `/users/${state.userId}/inline/choose`, { inline_query_id: asked.inline_query_id, result_id: result.id, chat_id: chatId });
        await refresh();
        await openChat(chatId);
      },
    }));
    choose(S.inlineResults, "", items);
  }

  // The persona picker as a list that says who each person is (reachable from the chat's
  // header on a phone, where the sidebar with the select is hidden behind «back»).
  function choosePersona() {
    const items = state.users.map((user) => ({
      id: user.id,
      label: user.title ? S.personTitle(user.first_name, user.title) : user.first_name,
      sub: user.about || "",
      onPick: () => switchUser(user.id),
    }));
    choose(S.personas, "", items);
  }

  async function switchUser(userId) {
    state.userId = userId;
    localStorage.setItem("sim-user", String(userId));
    state.chatId = userId;
    await refresh();
    await openChat(userId);
  }

  function openChatDialog(kind) {
    const dialog = $("chat-dialog");
    dialog.dataset.kind = kind;
    $("chat-dialog-title").textContent = kind === "group" ? S.newGroup : S.newChannel;
    $("chat-name-label").textContent = kind === "group" ? S.groupTitle : S.channelTitle;
    $("chat-name").value = "";
    $("group-fields").hidden = kind !== "group";
    const checks = $("member-checks");
    checks.replaceChildren();
    for (const user of state.users.filter((u) => u.id !== state.userId)) {
      checks.append(el("label", {}, el("input", { type: "checkbox", value: user.id }), user.first_name));
    }
    dialog.showModal();
  }

  async function createChat() {
    const dialog = $("chat-dialog");
    const title = $("chat-name").value.trim();
    if (!title) return;
    let chat;
    if (dialog.dataset.kind === "group") {
      const others = [...$("member-checks").querySelectorAll("input:checked")].map((i) => Number(i.value));
      chat = await api("POST", "/groups", { title, members: [state.userId, ...others], bot_admin: $("bot-admin").checked });
    } else {
      chat = await api("POST", "/channels", { title, owner_id: state.userId });
    }
    await refresh();
    await openChat(chat.id);
  }

  async function createUser(name) {
    const user = await api("POST", "/users", { first_name: name });
    state.userId = user.id;
    localStorage.setItem("sim-user", String(user.id));
    await refresh();
    await openChat(user.id);
  }

  // -- wiring -----------------------------------------------------------------------------------

  function wire() {
    document.title = S.pageTitle;
    $("brand").textContent = S.appName;
    for (const node of document.querySelectorAll("[data-icon]")) node.append(icon(node.dataset.icon));
    for (const node of document.querySelectorAll("[data-text]")) node.textContent = S[node.dataset.text];
    const titles = { "new-user": S.newUser, "attach-btn": S.attachPhoto, "location-btn": S.sendLocation, "commands-btn": S.commands, "send-btn": S.send, back: S.back };
    for (const [id, title] of Object.entries(titles)) { $(id).title = title; $(id).setAttribute("aria-label", title); }
    $("new-group").textContent = S.newGroup;
    $("new-channel").textContent = S.newChannel;
    $("text-input").placeholder = S.messagePlaceholder;
    for (const node of document.querySelectorAll("[data-close]")) {
      node.addEventListener("click", () => node.closest("dialog").close());
    }
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("text-input");
      const text = input.value;
      input.value = "";
      guarded(() => sendText(text));
    });
    // Only the person's own scrolling unpins the newest message: a re-render or a picture that
    // is still loading also moves the scroll position, and must not.
    const box = $("messages");
    for (const kind of ["wheel", "touchstart", "pointerdown", "keydown"]) {
      box.addEventListener(kind, () => { state.userScrolledAt = Date.now(); }, { passive: true });
    }
    box.addEventListener("scroll", () => {
      if (Date.now() - state.userScrolledAt < 1500) state.pinned = nearBottom();
    }, { passive: true });
    // The reply keyboard, the start bar or a rotated phone change the message pane's height.
    new ResizeObserver(keepBottom).observe($("messages"));
    $("start-btn").addEventListener("click", () => guarded(() => sendText("/start")));
    $("attach-btn").addEventListener("click", () => $("file-input").click());
    $("file-input").addEventListener("change", (event) => {
      const files = [...event.target.files];
      event.target.value = "";
      guarded(() => sendPhotos(files));
    });
    $("location-btn").addEventListener("click", () => $("location-dialog").showModal());
    $("location-form").addEventListener("submit", () => guarded(sendLocation));
    $("commands-btn").addEventListener("click", () => guarded(showCommands));
    $("block-btn").addEventListener("click", () => guarded(toggleBlock));
    $("back").addEventListener("click", () => $("app").classList.remove("in-chat"));
    $("user-select").addEventListener("change", (event) => guarded(() => switchUser(Number(event.target.value))));
    $("persona-btn").addEventListener("click", choosePersona);
    $("persona-btn").title = S.switchPerson;
    $("new-user").addEventListener("click", () => { $("user-name").value = ""; $("user-dialog").showModal(); });
    $("user-form").addEventListener("submit", () => {
      const name = $("user-name").value.trim();
      if (name) guarded(() => createUser(name));
    });
    $("new-group").addEventListener("click", () => openChatDialog("group"));
    $("new-channel").addEventListener("click", () => openChatDialog("channel"));
    $("chat-form").addEventListener("submit", () => guarded(createChat));
  }

  async function start() {
    wire();
    state.info = await api("GET", "/info");
    state.users = await api("GET", "/users");
    const saved = Number(localStorage.getItem("sim-user"));
    if (state.users.some((u) => u.id === saved)) state.userId = saved;
    if (!state.users.length) {
      const user = await api("POST", "/users", { first_name: S.newUserDefault });
      state.userId = user.id;
    }
    await refresh();
    if (state.userId !== null) await openChat(state.chatId ?? state.userId);
    document.body.dataset.ready = "1";
    pollChanges();
  }

  window.addEventListener("DOMContentLoaded", () => guarded(start));
})();
