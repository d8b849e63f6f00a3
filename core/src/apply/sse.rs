//! A small `text/event-stream` parser (the HTML server-sent events format): bytes in, complete events out.
//! Enough for the platform's stream — `id`, `event`, `data` (several lines joined), comments, CRLF or LF.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct SseEvent {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
}

/// Longest line accepted: a stream that never ends a line is broken or hostile.
const MAX_LINE: usize = 1 << 20;

#[derive(Debug, Default)]
pub(crate) struct SseParser {
    buf: Vec<u8>,
    current: SseEvent,
    has_data: bool,
}

impl SseParser {
    /// Feeds bytes; returns the events they complete. `Err` when a line grows beyond reason.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, &'static str> {
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        while let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = self.buf.drain(..=pos).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line).into_owned();
            self.line(&line, &mut out);
        }
        if self.buf.len() > MAX_LINE {
            return Err("event stream line too long");
        }
        Ok(out)
    }

    fn line(&mut self, line: &str, out: &mut Vec<SseEvent>) {
        if line.is_empty() {
            let event = std::mem::take(&mut self.current);
            if self.has_data {
                out.push(event);
            } else if event.id.is_some() {
                // An id without data still moves the stream's last event id; keep it for the next event.
                self.current.id = event.id;
            }
            self.has_data = false;
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "id" => self.current.id = Some(value.to_owned()),
            "event" => self.current.event = Some(value.to_owned()),
            "data" => {
                if self.has_data {
                    self.current.data.push('\n');
                }
                self.current.data.push_str(value);
                self.has_data = true;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn parses_events_split_anywhere() {
        let text = ": keep-alive\r\nid: 7\r\nevent: application\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\nid: 8\ndata: x\n\n";
        let whole = SseParser::default().push(text.as_bytes()).expect("parse");
        assert_eq!(whole.len(), 2);
        assert_eq!(whole[0].id.as_deref(), Some("7"));
        assert_eq!(whole[0].event.as_deref(), Some("application"));
        assert_eq!(whole[0].data, "{\"a\":\n1}");
        assert_eq!(whole[1], SseEvent { id: Some("8".into()), event: None, data: "x".into() });
        for split in 0..text.len() {
            let mut p = SseParser::default();
            let mut got = p.push(&text.as_bytes()[..split]).expect("first");
            got.extend(p.push(&text.as_bytes()[split..]).expect("second"));
            assert_eq!(got, whole, "split at {split}");
        }
    }

    #[test]
    fn multibyte_text_split_mid_character() {
        let text = "data: 已办结\n\n".as_bytes();
        let mut p = SseParser::default();
        let mut got = p.push(&text[..8]).expect("first");
        got.extend(p.push(&text[8..]).expect("second"));
        assert_eq!(got[0].data, "已办结");
    }

    #[test]
    fn endless_line_is_refused() {
        let mut p = SseParser::default();
        assert!(p.push(&vec![b'x'; MAX_LINE + 1]).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = SseParser::default().push(&bytes);
        }
    }
}
