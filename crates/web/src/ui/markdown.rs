//! An article's Markdown as HTML that is safe to put in a staff page: anything written as raw
//! HTML is shown as text, and a link or picture may only go to http(s), mail, a phone number or
//! a path of our own (never `javascript:`). Articles come from imports too, not only from people
//! we trust to write HTML. Also as plain text, for channels that show no markup (WeChat, SMS).

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Whether `url` may be a link's or a picture's target.
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s);
    match scheme {
        // No scheme before the first `/`, `?` or `#`: a path or a fragment of ours.
        Some(s) if s.contains(['/', '?', '#']) => true,
        Some(s) => matches!(s, "http" | "https" | "mailto" | "tel"),
        None => true,
    }
}

/// `markdown` rendered; raw HTML escaped, unsafe targets dropped.
pub fn render(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::Borrowed(""),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::Borrowed(""),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// `markdown` as plain text: its words without marks, a line per paragraph, heading and list
/// item (items marked "· "), a link's target after its words.
pub fn plain(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = String::with_capacity(markdown.len());
    let mut link: Option<String> = None;
    let new_line = |out: &mut String| {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => {
                new_line(&mut out);
                out.push_str("· ");
            }
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.into_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.take().filter(|u| safe_url(u) && !u.is_empty()) {
                    out.push_str(&format!(" {url}"));
                }
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::CodeBlock,
            ) => new_line(&mut out),
            Event::End(TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::{plain, render};

    #[test]
    fn markdown_becomes_plain_text_for_channels_without_markup() {
        let md = "## 物业费\n\n物业费**按季度**缴纳：\n\n- 微信缴费\n- 前台缴费\n\n详见[缴费说明](https://example.com/fee)。";
        assert_eq!(
            plain(md),
            "物业费\n物业费按季度缴纳：\n· 微信缴费\n· 前台缴费\n详见缴费说明 https://example.com/fee。"
        );
        assert_eq!(plain("[点我](javascript:alert(1))"), "点我");
        assert_eq!(plain("没有标记的话"), "没有标记的话");
    }

    #[test]
    fn markdown_becomes_html() {
        let html = render("# 办公时间\n\n- 周一至周五 **8:30–17:30**\n- [电话](tel:12345)");
        assert!(html.contains("<h1>办公时间</h1>"), "{html}");
        assert!(html.contains("<strong>8:30–17:30</strong>"), "{html}");
        assert!(html.contains(r#"<a href="tel:12345">电话</a>"#), "{html}");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render("<script>alert(1)</script>\n\n正文<img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn script_links_lose_their_target() {
        for md in [
            "[点我](javascript:alert(1))",
            "[点我](JavaScript:alert(1))",
            "[点我]( data:text/html,x)",
            "![图](javascript:alert(1))",
        ] {
            let html = render(md);
            assert!(!html.to_lowercase().contains("javascript"), "{md}: {html}");
            assert!(!html.contains("data:"), "{md}: {html}");
        }
        assert!(render("[说明](/kb/abc)").contains(r#"href="/kb/abc""#));
        assert!(render("[官网](https://example.com)").contains("https://example.com"));
    }
}
