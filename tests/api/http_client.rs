//! A minimal HTTP/1.1 client over loopback TCP, enough for tests and benchmarks against a real
//! server: one request per connection (`Connection: close`), or a [`Connection`] kept open.
//! Shared with benches/ by `#[path]`.

/// One HTTP/1.1 request over a fresh TCP connection: (status code, body).
#[allow(dead_code)]
pub async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    bearer: &str,
    body: &str,
) -> (u16, String) {
    let auth = format!("Bearer {bearer}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    send(addr, method, path, &headers, body).await
}

/// A GET with extra request headers over a fresh TCP connection: (status code, the response's
/// status line and header lines).
#[allow(dead_code)]
pub async fn get_head(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let text = exchange(addr, "GET", path, headers, None).await;
    let head = text.split("\r\n\r\n").next().unwrap_or("").to_string();
    (status_of(&text), head)
}

/// Any request with the given headers over a fresh TCP connection: (status code, body). The
/// memory benchmark's clients send anonymous pages, Bearer calls and forged client addresses
/// alike through it.
#[allow(dead_code)]
pub async fn send(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let text = exchange(addr, method, path, headers, Some(body)).await;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status_of(&text), body)
}

/// Writes one request (with a Content-Length when it has a body) on a fresh connection and
/// reads the whole answer, as text.
async fn exchange(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> String {
    use rocket::tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = rocket::tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    if let Some(body) = body {
        extra.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n{}",
        body.unwrap_or("")
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    // A server may close before reading a refused body: what arrived is the answer.
    let _ = stream.read_to_end(&mut raw).await;
    String::from_utf8_lossy(&raw).into_owned()
}

fn status_of(text: &str) -> u16 {
    text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// The value of the header `name` (any case) in a response head.
#[allow(dead_code)]
pub fn header_in<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// One HTTP/1.1 connection kept open for several requests, as API clients and browsers keep
/// theirs: the benchmarks' clients each hold one.
#[allow(dead_code)]
pub struct Connection {
    stream: rocket::tokio::io::BufReader<rocket::tokio::net::TcpStream>,
    addr: std::net::SocketAddr,
}

#[allow(dead_code)]
impl Connection {
    pub async fn open(addr: std::net::SocketAddr) -> Connection {
        let stream = rocket::tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Connection {
            stream: rocket::tokio::io::BufReader::new(stream),
            addr,
        }
    }

    /// One request on the connection: (status code, body). The body is read by its
    /// Content-Length, or chunk by chunk.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        bearer: &str,
        body: &str,
    ) -> (u16, String) {
        use rocket::tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {bearer}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        self.stream
            .get_mut()
            .write_all(request.as_bytes())
            .await
            .unwrap();
        let mut line = String::new();
        self.stream.read_line(&mut line).await.unwrap();
        let status = line.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        let (mut length, mut chunked) = (0usize, false);
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.unwrap();
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.parse().unwrap_or(0);
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.eq_ignore_ascii_case("chunked");
                }
            }
        }
        let mut raw = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await.unwrap();
                let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                let mut chunk = vec![0; size + 2];
                self.stream.read_exact(&mut chunk).await.unwrap();
                if size == 0 {
                    break;
                }
                raw.extend_from_slice(&chunk[..size]);
            }
        } else {
            raw.resize(length, 0);
            self.stream.read_exact(&mut raw).await.unwrap();
        }
        (status, String::from_utf8_lossy(&raw).into_owned())
    }
}
