# ruff: noqa: RUF001 (Chinese is written with full-width punctuation)
"""The words of every email, in Italian, English and Chinese.

Each mailed event type has a subject and a line; both are ``str.format`` templates over
the event's data plus the names the renderer adds (``order_title``, ``client_name``,
``bidder_name``, ``supplier_name``). A template naming a field the event does not carry
falls back to the generic words, so an email is never lost for want of a field. Amounts
appear only when the event carries them, and an event never carries what its audience
may not see (a sealed bid's price before the deadline).
"""

from typing import Any

Texts = dict[str, str]

COMMON: dict[str, Texts] = {
    "it": {
        "greeting": "Buongiorno {name},",
        "hello": "Buongiorno,",
        "open": "Apri su Distretto",
        "why": "Ricevi questa email perché hai scelto di ricevere questi avvisi da Distretto.",
        "settings": "Preferenze email",
        "unsubscribe": "Non ricevere più questi avvisi",
        "generic_subject": "Novità su Distretto",
        "generic_line": "C'è una novità per te su Distretto.",
        "digest_subject": "Distretto: il riepilogo del {day}",
        "digest_intro": "Ecco le novità del {day}:",
        "unit_price": "Prezzo unitario",
        "bid_count": "Offerte ricevute",
        "signature": "Distretto — la piattaforma del distretto",
    },
    "en": {
        "greeting": "Hello {name},",
        "hello": "Hello,",
        "open": "Open in Distretto",
        "why": "You receive this email because you chose these alerts in Distretto.",
        "settings": "Email preferences",
        "unsubscribe": "Stop these alerts",
        "generic_subject": "News on Distretto",
        "generic_line": "There is news for you on Distretto.",
        "digest_subject": "Distretto: your summary for {day}",
        "digest_intro": "Here is what happened on {day}:",
        "unit_price": "Unit price",
        "bid_count": "Bids received",
        "signature": "Distretto — the district's platform",
    },
    "zh": {
        "greeting": "{name}，您好：",
        "hello": "您好：",
        "open": "在 Distretto 中打开",
        "why": "您收到此邮件，是因为您在 Distretto 中订阅了这些提醒。",
        "settings": "邮件偏好设置",
        "unsubscribe": "不再接收此类提醒",
        "generic_subject": "Distretto 有新消息",
        "generic_line": "Distretto 上有与您相关的新消息。",
        "digest_subject": "Distretto：{day} 摘要",
        "digest_intro": "以下是 {day} 的新消息：",
        "unit_price": "单价",
        "bid_count": "已收到报价",
        "signature": "Distretto — 产业区平台",
    },
}

# type -> language -> (subject, line)
EVENTS: dict[str, dict[str, tuple[str, str]]] = {
    "saved_search.matched": {
        "it": (
            "Nuovo ordine per la tua ricerca: {title}",
            "{client_name} cerca {quantity} {unit} per la fase {phase} ({region}). "
            "Offerte entro il {bid_deadline}.",
        ),
        "en": (
            "New order matching your search: {title}",
            "{client_name} is looking for {quantity} {unit} of {phase} ({region}). "
            "Bids close on {bid_deadline}.",
        ),
        "zh": (
            "符合您搜索条件的新订单：{title}",
            "{client_name} 需要 {quantity} {unit}（工序：{phase}，地区：{region}）。"
            "报价截止：{bid_deadline}。",
        ),
    },
    "order.created": {
        "it": (
            "Sei invitato a offrire: {title}",
            "{client_name} ti invita a fare un'offerta per {quantity} {unit} ({phase}). "
            "Offerte entro il {bid_deadline}.",
        ),
        "en": (
            "You are invited to bid: {title}",
            "{client_name} invites you to bid for {quantity} {unit} of {phase}. "
            "Bids close on {bid_deadline}.",
        ),
        "zh": (
            "邀请您报价：{title}",
            "{client_name} 邀请您为 {quantity} {unit}（{phase}）报价。报价截止：{bid_deadline}。",
        ),
    },
    "bid.created": {
        "it": ("Nuova offerta su «{order_title}»", "{bidder_name} ha fatto un'offerta."),
        "en": ("New bid on “{order_title}”", "{bidder_name} placed a bid."),
        "zh": ("“{order_title}”收到新报价", "{bidder_name} 提交了报价。"),
    },
    "bid.updated": {
        "it": ("Offerta rivista su «{order_title}»", "{bidder_name} ha rivisto la sua offerta."),
        "en": ("Bid revised on “{order_title}”", "{bidder_name} revised its bid."),
        "zh": ("“{order_title}”的报价已修改", "{bidder_name} 修改了报价。"),
    },
    "bid.withdrawn": {
        "it": ("Offerta ritirata su «{order_title}»", "{bidder_name} ha ritirato l'offerta."),
        "en": ("Bid withdrawn on “{order_title}”", "{bidder_name} withdrew its bid."),
        "zh": ("“{order_title}”的报价已撤回", "{bidder_name} 撤回了报价。"),
    },
    "bid.needs_confirmation": {
        "it": (
            "L'ordine «{order_title}» è cambiato",
            "Il committente ha modificato l'ordine: conferma o aggiorna la tua offerta.",
        ),
        "en": (
            "Order “{order_title}” changed",
            "The client changed the order: please confirm or revise your bid.",
        ),
        "zh": ("订单“{order_title}”已变更", "客户修改了订单：请确认或更新您的报价。"),
    },
    "bid.rejected": {
        "it": (
            "Offerta non scelta: «{order_title}»",
            "Il committente ha scelto un'altra offerta. Grazie per aver partecipato.",
        ),
        "en": (
            "Bid not chosen: “{order_title}”",
            "The client chose another bid. Thank you for taking part.",
        ),
        "zh": ("报价未中标：“{order_title}”", "客户选择了其他报价。感谢您的参与。"),
    },
    "order.awarded": {
        "it": ("Ordine aggiudicato: «{title}»", "L'ordine è stato aggiudicato a {supplier_name}."),
        "en": ("Order awarded: “{title}”", "The order was awarded to {supplier_name}."),
        "zh": ("订单已授标：“{title}”", "该订单已授予 {supplier_name}。"),
    },
    "order.cancelled": {
        "it": ("Ordine annullato: «{title}»", "{client_name} ha annullato l'ordine."),
        "en": ("Order cancelled: “{title}”", "{client_name} cancelled the order."),
        "zh": ("订单已取消：“{title}”", "{client_name} 取消了该订单。"),
    },
    "question.created": {
        "it": ("Nuova domanda su «{order_title}»", "«{text}»"),
        "en": ("New question on “{order_title}”", "“{text}”"),
        "zh": ("“{order_title}”有新提问", "“{text}”"),
    },
    "question.answered": {
        "it": ("Risposta su «{order_title}»", "«{text}» — {answer}"),
        "en": ("Answer on “{order_title}”", "“{text}” — {answer}"),
        "zh": ("“{order_title}”的提问已回复", "“{text}” — {answer}"),
    },
    "contract.created": {
        "it": (
            "Contratto avviato: «{order_title}»",
            "{client_name} e {supplier_name}: consegna entro il {due_date}.",
        ),
        "en": (
            "Contract started: “{order_title}”",
            "{client_name} and {supplier_name}: delivery due on {due_date}.",
        ),
        "zh": (
            "合同已开始：“{order_title}”",
            "{client_name} 与 {supplier_name}：交货日期 {due_date}。",
        ),
    },
    "contract.updated": {
        "it": ("Contratto «{order_title}»: {status}", "Lo stato del contratto è ora «{status}»."),
        "en": ("Contract “{order_title}”: {status}", "The contract is now “{status}”."),
        "zh": ("合同“{order_title}”：{status}", "合同状态已变为“{status}”。"),
    },
    "message.created": {
        "it": ("Nuovo messaggio sul contratto «{order_title}»", "Hai un nuovo messaggio."),
        "en": ("New message on contract “{order_title}”", "You have a new message."),
        "zh": ("合同“{order_title}”有新消息", "您有一条新消息。"),
    },
    "review.created": {
        "it": ("Nuova recensione: «{order_title}»", "È arrivata una recensione sul contratto."),
        "en": ("New review: “{order_title}”", "A review was left on the contract."),
        "zh": ("新评价：“{order_title}”", "该合同收到了一条评价。"),
    },
    "reminder.bid_deadline": {
        "it": (
            "Domani chiudono le offerte: «{title}»",
            "Le offerte per «{title}» chiudono il {bid_deadline}.",
        ),
        "en": (
            "Bidding closes tomorrow: “{title}”",
            "Bids for “{title}” close on {bid_deadline}.",
        ),
        "zh": ("报价明天截止：“{title}”", "“{title}”的报价将于 {bid_deadline} 截止。"),
    },
    "reminder.delivery_due": {
        "it": (
            "Consegna tra 3 giorni: «{order_title}»",
            "La consegna per {client_name} è prevista per il {due_date}.",
        ),
        "en": (
            "Delivery due in 3 days: “{order_title}”",
            "Delivery to {client_name} is due on {due_date}.",
        ),
        "zh": ("3 天后交货：“{order_title}”", "向 {client_name} 的交货日期为 {due_date}。"),
    },
    "reminder.review_pending": {
        "it": (
            "Lascia una recensione: «{order_title}»",
            "Il contratto è concluso da 3 giorni: com'è andata?",
        ),
        "en": (
            "Leave a review: “{order_title}”",
            "The contract was completed 3 days ago: how did it go?",
        ),
        "zh": ("请留下评价：“{order_title}”", "该合同已于 3 天前完成：合作情况如何？"),
    },
    "firm_document.expiring": {
        "it": ("Documento in scadenza: {label}", "Il documento «{label}» scade il {valid_until}."),
        "en": ("Document expiring: {label}", "The document “{label}” expires on {valid_until}."),
        "zh": ("证件即将到期：{label}", "证件“{label}”将于 {valid_until} 到期。"),
    },
    "firm_document.reviewed": {
        "it": ("Documento verificato: {label}", "Esito della verifica: {status}."),
        "en": ("Document checked: {label}", "Outcome of the check: {status}."),
        "zh": ("证件已审核：{label}", "审核结果：{status}。"),
    },
}

ACCOUNT: dict[str, dict[str, tuple[str, str, str]]] = {
    # template -> language -> (subject, line, button)
    "verify_email": {
        "it": (
            "Conferma il tuo indirizzo email",
            "Conferma che questo indirizzo è tuo: lo useremo per gli inviti e l'accesso aziendale.",
            "Conferma l'indirizzo",
        ),
        "en": (
            "Confirm your email address",
            "Confirm this address is yours: invitations and company sign-in rely on it.",
            "Confirm address",
        ),
        "zh": ("请确认您的邮箱地址", "请确认此邮箱属于您：邀请和企业登录将依赖它。", "确认邮箱"),
    },
    "password_reset": {
        "it": (
            "Reimposta la password",
            "Qualcuno (speriamo tu) ha chiesto di reimpostare la password. "
            "Il link vale un'ora e una sola volta; se non sei stato tu, ignora questa email.",
            "Scegli una nuova password",
        ),
        "en": (
            "Reset your password",
            "Someone (hopefully you) asked to reset your password. The link works once, "
            "for one hour; if it was not you, ignore this email.",
            "Choose a new password",
        ),
        "zh": (
            "重置密码",
            "有人（希望是您）申请重置密码。链接仅可使用一次，一小时内有效；如非本人操作，请忽略此邮件。",
            "设置新密码",
        ),
    },
    "invitation": {
        "it": (
            "{inviter} ti invita in {firm_name} su Distretto",
            "{inviter} ti invita a unirti a {firm_name} come {role}. "
            "L'invito scade il {expires_on}.",
            "Accetta l'invito",
        ),
        "en": (
            "{inviter} invites you to {firm_name} on Distretto",
            "{inviter} invites you to join {firm_name} as {role}. "
            "The invitation expires on {expires_on}.",
            "Accept the invitation",
        ),
        "zh": (
            "{inviter} 邀请您加入 Distretto 上的 {firm_name}",
            "{inviter} 邀请您以 {role} 身份加入 {firm_name}。邀请将于 {expires_on} 过期。",
            "接受邀请",
        ),
    },
}

ROLES: dict[str, Texts] = {
    "it": {"owner": "titolare", "manager": "responsabile", "member": "collaboratore"},
    "en": {"owner": "owner", "manager": "manager", "member": "member"},
    "zh": {"owner": "所有者", "manager": "经理", "member": "成员"},
}


def fill(template: str, values: dict[str, Any]) -> str | None:
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return None
