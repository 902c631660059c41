/// The frame around every page: title, navigation for the user's role, and the style
/// sheet, inline so that a page is one request and works offline from anything else.
enum Layout {
    static func page(_ title: String, user: User?, csrf: String?, _ content: HTML) -> HTML {
        """
        <!doctype html>
        <html lang="sv">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) – Registret</title>
        <style>\(style)</style>
        </head>
        <body>
        <header><nav>\(navigation(user: user, csrf: csrf))</nav></header>
        <main>
        <h1>\(title)</h1>
        \(content)
        </main>
        </body>
        </html>
        """
    }

    private static func navigation(user: User?, csrf: String?) -> HTML {
        guard let user else { return "<span class=\"brand\">Registret · Sjuhärads kommunalförbund</span>" }
        let links = destinations(for: user.role).map { path, label -> HTML in "<a href=\"\(path)\">\(label)</a>" }
        return """
            <span class="brand">Registret</span>\(links.joined())
            <form method="post" action="/logout" class="logout">
            <input type="hidden" name="csrf" value="\(csrf ?? "")">
            <span>\(user.name) · \(user.role.label)</span> <button type="submit">Logga ut</button>
            </form>
            """
    }

    /// The pages a role may open, in menu order.
    static func destinations(for role: UserRole) -> [(path: String, label: String)] {
        var items: [(String, String)] = []
        if role == .reception || role == .admin { items.append(("/reception", "Reception")) }
        if role == .coach || role == .admin { items.append(("/coach", "Medarbetarcentrum")) }
        if role == .grants || role == .admin { items.append(("/grants", "Tillväxtmedel")) }
        if role.mayRead { items += [("/reports", "Rapporter"), ("/log", "Händelselogg")] }
        if role == .admin { items += [("/admin/users", "Användare"), ("/admin/memberships", "Medlemskap")] }
        return items
    }

    private static let style: HTML = """
        *{box-sizing:border-box}
        body{margin:0;font:17px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f23;background:#f4f5f7}
        header{background:#1d3f5e;color:#fff}
        nav{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem;max-width:72rem;margin:0 auto;padding:.5rem 1rem}
        nav a{color:#fff;text-decoration:none;padding:.5rem .25rem}
        nav a:hover,nav a:focus{text-decoration:underline}
        .brand{font-weight:700;margin-right:1rem}
        .logout{margin-left:auto;display:flex;align-items:center;gap:.5rem}
        .logout button{background:transparent;color:#fff;border:1px solid #fff;padding:.35rem .75rem;min-height:auto}
        main{max-width:72rem;margin:0 auto;padding:1rem}
        h1{font-size:1.6rem;margin:.5rem 0 1rem}
        h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
        section,form.card{background:#fff;border-radius:.5rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        label{display:block;font-weight:600;margin:.25rem 0}
        .field{margin:0 0 .75rem}
        .fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:0 1rem}
        input,select,textarea,button{font:inherit;min-height:2.75rem}
        input,select,textarea{width:100%;padding:.4rem .6rem;border:1px solid #8a96a3;border-radius:.35rem;background:#fff}
        input[type=checkbox]{width:auto;min-height:auto;transform:scale(1.4);margin-right:.5rem}
        button{background:#1d6b3a;color:#fff;border:0;border-radius:.35rem;padding:.5rem 1.25rem;cursor:pointer}
        button.secondary{background:#5b6770}
        button.danger{background:#a4161a}
        .hint{color:#555;font-size:.9rem;font-weight:400}
        .error{color:#a4161a;font-weight:600}
        .field.invalid input,.field.invalid select{border:2px solid #a4161a}
        .notice{border-left:6px solid #1d6b3a;background:#e8f5ec;padding:.75rem 1rem;margin:0 0 1rem;border-radius:.35rem}
        .notice.problem{border-color:#a4161a;background:#fbeaea}
        .tabs{display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1rem}
        .tabs a{padding:.6rem 1rem;border-radius:2rem;background:#fff;color:#1d3f5e;text-decoration:none;border:1px solid #1d3f5e}
        .tabs a[aria-current=page]{background:#1d3f5e;color:#fff}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{padding:.4rem .6rem;border-bottom:1px solid #dde1e5;text-align:left;vertical-align:top}
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        td.d{white-space:nowrap}
        tbody th{font-weight:400}
        tr.total td,tr.total th{font-weight:700;border-top:2px solid #1b1f23}
        #login{max-width:28rem}
        .muted{color:#666}
        .inline{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
        .inline input{width:auto;flex:1;min-width:8rem}
        .links a{margin-right:1rem}
        .links button.quick{background:none;color:#1d3f5e;text-decoration:underline;padding:.5rem .25rem;margin-right:.75rem}
        code,.hash{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}
        svg text{font:13px system-ui,sans-serif}
        /* Today's entries: the reason for an undo opens on demand, so the last column stays narrow. */
        td.actions{min-width:7.5rem}
        td.actions .fix,details.undo summary{display:inline-block;padding:.5rem .25rem .5rem 0}
        td.actions a,details.undo summary{color:#1d3f5e;text-decoration:underline;cursor:pointer}
        details.undo form{display:grid;gap:.35rem;margin-top:.35rem;min-width:9rem}
        /* Reports: headings wrap (at soft hyphens too) so the Navet table fits a tablet's width; the
           row labels stay in view when a wider table scrolls. */
        table.report{font-size:.95rem}
        table.report th,table.report td{padding:.4rem .45rem}
        table.report thead th{white-space:normal;vertical-align:bottom;hyphens:auto}
        table.report tbody th,table.report thead tr:first-child th:first-child{position:sticky;left:0;background:#fff}
        /* The error summary: each problem links to its field. */
        #error-summary ul,[id^=error-summary] ul{margin:.35rem 0 0;padding-left:1.25rem}
        [id^=error-summary] a{color:#a4161a}
        [id^=error-summary]:focus{outline:3px solid #1d3f5e;outline-offset:2px}
        .offer{margin:.5rem 0 0}
        .fate{white-space:nowrap}
        tr.superseded td{color:#555}
        td .actions{margin-top:.25rem}
        .print-only{display:none}
        /* A figure opens the events behind it; it still reads as a number. */
        a.figure{color:inherit;text-decoration:none;border-bottom:1px dotted #8a96a3}
        a.figure:hover,a.figure:focus{color:#1d3f5e;border-bottom-style:solid}
        /* Paper: A4 landscape, the table alone with every column; heads repeat on each page. */
        @media print{
        @page{size:A4 landscape;margin:10mm}
        body{background:#fff;font-size:9pt}
        header,form,nav,.links,details,td.actions,th.actions,.no-print{display:none!important}
        #chart{break-inside:avoid}
        #chart svg{max-width:100%;height:auto}
        main{max-width:none;padding:0}
        h1{font-size:13pt;margin:0 0 .25rem}
        h2{font-size:11pt;margin:0 0 .25rem}
        section,form.card{box-shadow:none;padding:0;margin:0;border-radius:0}
        .scroll{overflow:visible}
        table.report{font-size:7pt;width:100%}
        table.report th,table.report td{padding:1px 2px}
        /* A change wraps before its percentage: 22 columns of a comparison then fit the width. */
        table.report td.n{white-space:normal}
        table.report thead th{hyphens:auto}
        table.report tbody th,table.report thead tr:first-child th:first-child{position:static}
        thead{display:table-header-group}
        tr{break-inside:avoid}
        a.figure{border:0}
        .print-only{display:block;margin-top:.5rem;font-size:8pt;color:#333}
        }
        /* Tablets: a little less padding. */
        @media (max-width:60rem){
        main{padding:.75rem}
        section,form.card{padding:.75rem}
        th,td{padding:.4rem .35rem}
        }
        /* Tablet portrait and narrower: today's entries become one card each. */
        @media (max-width:52rem){
        table.entries thead{display:none}
        table.entries,table.entries tbody,table.entries tr,table.entries td{display:block}
        table.entries tr{display:flex;flex-wrap:wrap;gap:.15rem .75rem;padding:.6rem 0;border-bottom:1px solid #dde1e5}
        table.entries td{border:0;padding:0}
        table.entries td.type{font-weight:600}
        table.entries td.summary{flex-basis:100%}
        table.entries td.by{color:#555}
        table.entries td.by::before{content:"av "}
        table.entries td.actions{flex-basis:100%;display:flex;flex-wrap:wrap;gap:.25rem 1.5rem;align-items:flex-start}
        }
        """
}
