//! The `pingan` binary as an operator runs it: every failure is one clear line and a non-zero exit,
//! and the commands do what their help says.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pingan_testkit::{TestDb, unique_name};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn pingan() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pingan"));
    c.env_remove("PINGAN_DB")
        .env_remove("PINGAN_DATA_DIR")
        .env_remove("PINGAN_CONFIG")
        .env("PINGAN_LOG", "warn");
    c
}

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("pingan_cli"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `pingan --data-dir DIR` (the SQLite database inside it).
fn in_dir(dir: &PathBuf) -> Command {
    let mut c = pingan();
    c.arg("--data-dir").arg(dir);
    c
}

/// `pingan --data-dir DIR --db URL` for a test database.
fn on(dir: &PathBuf, db: &TestDb) -> Command {
    let mut c = pingan();
    c.arg("--data-dir")
        .arg(dir)
        .arg("--db")
        .arg(db.url().expose());
    c
}

/// Asserts a clean failure: non-zero exit, exactly one error line containing `needle`, no panic.
fn assert_clear_failure(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "should fail: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("错误: ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].contains(needle),
        "expected {needle:?} in {stderr}"
    );
}

/// Runs with `stdin` fed to the process.
fn run_with_stdin(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `pingan user add` with the password on standard input.
fn add_user(
    mut base: Command,
    username: &str,
    org: &str,
    role: &str,
    password_line: &str,
) -> Output {
    base.args([
        "user",
        "add",
        "--username",
        username,
        "--org",
        org,
        "--role",
        role,
        "--password-stdin",
    ]);
    run_with_stdin(base, password_line)
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn help_is_in_plain_language() {
    let out = pingan().arg("--help").output().unwrap();
    let text = stdout(&out);
    for word in [
        "serve",
        "demo",
        "migrate",
        "user",
        "backup",
        "restore",
        "演示辖区",
        "--data-dir",
        "--db",
    ] {
        assert!(text.contains(word), "{word} missing from:\n{text}");
    }
}

#[test]
fn a_bad_db_url_says_which_forms_work() {
    let out = pingan()
        .args(["--db", "mysql://root:secret@localhost/x", "migrate"])
        .output()
        .unwrap();
    assert_clear_failure(&out, "sqlite://");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("secret"),
        "passwords are never printed"
    );
}

#[test]
fn an_unreachable_postgres_is_one_line() {
    let out = pingan()
        .args(["--db", "postgres://nobody@127.0.0.1:1/none", "migrate"])
        .output()
        .unwrap();
    assert_clear_failure(&out, "无法打开数据库 postgres://nobody@127.0.0.1:1/none");
}

#[test]
fn an_unwritable_data_dir_is_refused() {
    let file = temp_dir().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let out = pingan()
        .arg("--data-dir")
        .arg(file.join("data"))
        .arg("migrate")
        .output()
        .unwrap();
    assert_clear_failure(&out, "--data-dir");
}

#[test]
fn a_corrupt_config_file_is_named() {
    let dir = temp_dir();
    let cfg = dir.join("pingan.toml");
    std::fs::write(&cfg, "listen = [unclosed\n").unwrap();
    let out = pingan()
        .arg("--data-dir")
        .arg(&dir)
        .arg("migrate")
        .output()
        .unwrap();
    assert_clear_failure(&out, "pingan.toml");
}

#[test]
fn a_taken_port_suggests_another() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = pingan()
        .arg("--data-dir")
        .arg(temp_dir())
        .args(["serve", "--listen", &addr])
        .output()
        .unwrap();
    assert_clear_failure(&out, "已被占用");
}

#[tokio::test]
async fn users_are_added_listed_reset_and_disabled() {
    let db = TestDb::fresh().await;
    let dir = temp_dir();
    let base = || on(&dir, &db);
    let mut add = base();
    add.args([
        "user",
        "add",
        "--username",
        "zhangwei",
        "--org",
        "511702001",
        "--role",
        "operator",
    ])
    .args(["--display-name", "张伟", "--password-stdin"]);
    let out = run_with_stdin(add, "Dongcheng#2026\n");
    assert!(stdout(&out).contains("已新建账号 zhangwei"));

    assert_clear_failure(
        &add_user(
            base(),
            "zhangwei",
            "511702001",
            "operator",
            "Dongcheng#2026\n",
        ),
        "已被占用",
    );
    assert_clear_failure(
        &add_user(base(), "lina", "511702", "commander", "12345678\n"),
        "至少 3 类",
    );
    assert_clear_failure(
        &add_user(base(), "lina", "511702", "boss", "Good#Pass2026\n"),
        "未知角色",
    );

    let list = stdout(&base().args(["user", "list"]).output().unwrap());
    assert!(
        list.contains("zhangwei") && list.contains("张伟") && list.contains("综治中心工作人员"),
        "{list}"
    );
    assert!(list.contains("共 1 个账号"));
    let other = stdout(
        &base()
            .args(["user", "list", "--org", "511702002"])
            .output()
            .unwrap(),
    );
    assert!(other.contains("共 0 个账号"), "scoped to the org asked for");

    let mut passwd = base();
    passwd.args(["user", "passwd", "zhangwei", "--password-stdin"]);
    assert!(stdout(&run_with_stdin(passwd, "Another#2026\n")).contains("已重设"));
    assert!(
        stdout(
            &base()
                .args(["user", "disable", "zhangwei"])
                .output()
                .unwrap()
        )
        .contains("已停用")
    );
    assert!(stdout(&base().args(["user", "list"]).output().unwrap()).contains("已停用"));
    assert_clear_failure(
        &base().args(["user", "disable", "nobody"]).output().unwrap(),
        "不存在",
    );
}

/// Starts `pingan demo`, waits until it serves, and returns what it printed before that.
fn run_demo_until_served(dir: &PathBuf) -> String {
    let mut child = pingan()
        .arg("--data-dir")
        .arg(dir)
        .args(["demo", "--scale", "small", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut printed = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if line.starts_with("平安已启动") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    printed
}

#[test]
fn demo_loads_once_and_a_second_run_reuses_the_data() {
    let dir = temp_dir();
    let first = run_demo_until_served(&dir);
    assert!(first.contains("18 个乡镇（街道）"), "{first}");
    assert!(first.contains("管理员账号 admin 的密码："), "{first}");
    assert!(first.contains("http://127.0.0.1:"), "{first}");
    let password = first
        .lines()
        .find_map(|l| l.strip_prefix("管理员账号 admin 的密码："))
        .unwrap();
    assert_eq!(
        password.len(),
        16,
        "a generated password, not a fixed default"
    );

    let mut add = pingan();
    add.arg("--data-dir").arg(&dir).args([
        "user",
        "add",
        "--username",
        "kept",
        "--org",
        "511702",
        "--role",
        "leader",
        "--password-stdin",
    ]);
    stdout(&run_with_stdin(add, "Stay#Here2026\n"));

    let second = run_demo_until_served(&dir);
    assert!(second.contains("沿用已有的演示数据"), "{second}");
    assert!(
        !second.contains(password),
        "the password is shown only once"
    );
    let list = stdout(
        &pingan()
            .arg("--data-dir")
            .arg(&dir)
            .args(["user", "list"])
            .output()
            .unwrap(),
    );
    assert!(
        list.contains("kept") && list.contains("admin"),
        "nothing lost"
    );
}

#[test]
fn backup_and_restore_round_trip() {
    let dir = temp_dir();
    let base = || in_dir(&dir);
    let mut add = base();
    add.args([
        "user",
        "add",
        "--username",
        "before",
        "--org",
        "511702",
        "--role",
        "leader",
        "--password-stdin",
    ]);
    stdout(&run_with_stdin(add, "Snap#Shot2026\n"));
    let backup = dir.join("backup.db");
    let out = stdout(
        &base()
            .arg("backup")
            .arg("--to")
            .arg(&backup)
            .output()
            .unwrap(),
    );
    assert!(out.contains("已备份到"), "{out}");
    assert_clear_failure(
        &base()
            .arg("backup")
            .arg("--to")
            .arg(&backup)
            .output()
            .unwrap(),
        "已存在",
    );

    stdout(&base().args(["user", "disable", "before"]).output().unwrap());
    assert_clear_failure(
        &base()
            .arg("restore")
            .arg("--from")
            .arg(&backup)
            .output()
            .unwrap(),
        "--force",
    );
    let not_a_backup = dir.join("not-a-backup.db");
    std::fs::write(&not_a_backup, "hello").unwrap();
    assert_clear_failure(
        &base()
            .arg("restore")
            .arg("--from")
            .arg(&not_a_backup)
            .arg("--force")
            .output()
            .unwrap(),
        "不是平安的数据库备份",
    );
    let out = stdout(
        &base()
            .arg("restore")
            .arg("--from")
            .arg(&backup)
            .arg("--force")
            .output()
            .unwrap(),
    );
    assert!(out.contains("已从"), "{out}");
    let list = stdout(&base().args(["user", "list"]).output().unwrap());
    assert!(
        list.contains("before") && list.contains("正常") && !list.contains("已停用"),
        "{list}"
    );
    // Issue 12 fault 11: not under a running server, which would keep writing to the old file.
    let restore = || {
        base()
            .arg("restore")
            .arg("--from")
            .arg(&backup)
            .arg("--force")
            .output()
            .unwrap()
    };
    let mut serve = base();
    serve.arg("serve");
    let (mut server, _) = serve_until_started(serve);
    assert_clear_failure(&restore(), "正被运行中的平安服务使用");
    server.kill().unwrap();
    server.wait().unwrap();
    let out = stdout(&restore());
    assert!(out.contains("已从"), "{out}");
}

#[tokio::test]
async fn audit_verify_passes_then_names_a_tampered_record() {
    let db = TestDb::fresh().await;
    let dir = temp_dir();
    let base = || on(&dir, &db);
    let mut add = base();
    add.args([
        "user",
        "add",
        "--username",
        "auditme",
        "--org",
        "511702",
        "--role",
        "leader",
    ])
    .args(["--phone", "13912345678", "--password-stdin"]);
    stdout(&run_with_stdin(add, "Audit#Me2026\n"));
    let list = stdout(&base().args(["user", "list"]).output().unwrap());
    assert!(
        list.contains("139****5678") && !list.contains("13912345678"),
        "{list}"
    );

    let issued = stdout(
        &base()
            .args([
                "token",
                "create",
                "--username",
                "auditme",
                "--name",
                "热线对接",
            ])
            .output()
            .unwrap(),
    );
    assert!(
        issued
            .lines()
            .any(|l| l.starts_with("pat_") && l.len() == 68),
        "{issued}"
    );
    let outside = base()
        .args([
            "token",
            "create",
            "--username",
            "auditme",
            "--name",
            "x",
            "--org",
            "511703",
        ])
        .output()
        .unwrap();
    assert_clear_failure(&outside, "须在账号所属的");

    let ok = stdout(&base().args(["audit", "verify"]).output().unwrap());
    assert!(ok.contains("审计日志完整"), "{ok}");
    db.execute("UPDATE audit_log SET username = 'someone-else' WHERE id = 1")
        .await;
    let out = base().args(["audit", "verify"]).output().unwrap();
    assert_clear_failure(&out, "第 1 条记录");
}

#[test]
fn keys_rotate_and_old_values_are_sealed_again() {
    let dir = temp_dir();
    let base = || in_dir(&dir);
    let mut add = base();
    add.args([
        "user",
        "add",
        "--username",
        "rotated",
        "--org",
        "511702",
        "--role",
        "leader",
    ])
    .args(["--phone", "13712345678", "--password-stdin"]);
    stdout(&run_with_stdin(add, "Rota#Tion2026\n"));
    let out = stdout(&base().args(["keys", "rotate"]).output().unwrap());
    assert!(out.contains("第 2 号密钥"), "{out}");
    let key_file = std::fs::read_to_string(dir.join("master.key")).unwrap();
    assert_eq!(key_file.lines().count(), 2);
    let out = stdout(&base().args(["keys", "reseal"]).output().unwrap());
    assert!(out.contains("重新加密 1 个加密字段"), "{out}");
    let again = stdout(&base().args(["keys", "reseal"]).output().unwrap());
    assert!(
        again.contains("重新加密 0 个加密字段"),
        "nothing left to do: {again}"
    );
    let list = stdout(&base().args(["user", "list"]).output().unwrap());
    assert!(
        list.contains("137****5678"),
        "still readable with the new key: {list}"
    );
}

#[test]
fn real_grids_are_imported_from_geojson() {
    let dir = temp_dir();
    let file = dir.join("grids.geojson");
    let ring = "[[107.49,31.21],[107.5,31.21],[107.5,31.22],[107.49,31.22],[107.49,31.21]]";
    std::fs::write(
        &file,
        format!(
            r#"{{"type":"FeatureCollection","features":[
            {{"type":"Feature","properties":{{"code":"511702001001001","name":"二马路社区第一网格"}},
              "geometry":{{"type":"Polygon","coordinates":[{ring}]}}}},
            {{"type":"Feature","properties":{{"code":"bad","name":"x"}},"geometry":null}}]}}"#
        ),
    )
    .unwrap();
    let out = stdout(
        &pingan()
            .arg("--data-dir")
            .arg(&dir)
            .args(["import", "grids"])
            .arg(&file)
            .output()
            .unwrap(),
    );
    assert!(
        out.contains("已导入 1 个网格") && out.contains("第 2 个要素"),
        "{out}"
    );
    let bad = dir.join("bad.geojson");
    std::fs::write(
        &bad,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{}}]}"#,
    )
    .unwrap();
    let out = pingan()
        .arg("--data-dir")
        .arg(&dir)
        .args(["import", "grids"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_clear_failure(&out, "没有导入任何网格");
}

/// Starts `pingan ARGS… --listen 127.0.0.1:0` on the test's database and returns the process and
/// its base URL once it serves; its output keeps being drained so it never blocks.
fn start_server(dir: &PathBuf, db: &TestDb, args: &[&str]) -> (std::process::Child, String) {
    let mut cmd = on(dir, db);
    cmd.args(args);
    serve_until_started(cmd)
}

/// Runs a `serve` or `demo` command on a free port until it prints its address.
fn serve_until_started(mut cmd: Command) -> (std::process::Child, String) {
    let mut child = cmd
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("平安已启动：") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

#[test]
fn every_intake_answered_2xx_survives_a_kill_9_mid_load() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::fresh());
    let dir = temp_dir();
    let (mut first, url) = start_server(&dir, &db, &["demo", "--scale", "small"]);
    let mut passwd = on(&dir, &db);
    passwd.args(["user", "passwd", "commander", "--password-stdin"]);
    stdout(&run_with_stdin(passwd, "Load#Test2026\n"));

    let report = rt.block_on(async {
        let target = pingan_loadgen::Target::sign_in(&url, "commander", "Load#Test2026")
            .await
            .unwrap();
        let run = tokio::spawn(async move {
            pingan_loadgen::intake(&target, 8, std::time::Duration::from_secs(4), "kill9").await
        });
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        // SIGKILL: no shutdown, no flush, no goodbye.
        first.kill().unwrap();
        first.wait().unwrap();
        run.await.unwrap().unwrap()
    });
    assert!(
        report.acknowledged > 0,
        "some intakes were answered before the kill"
    );
    assert!(report.failed > 0, "and some were cut off by it");

    let (mut second, url) = start_server(&dir, &db, &["serve"]);
    let verdict = rt.block_on(async {
        let target = pingan_loadgen::Target::sign_in(&url, "commander", "Load#Test2026")
            .await
            .unwrap();
        pingan_loadgen::verify(&target, &report.acked)
            .await
            .unwrap()
    });
    second.kill().unwrap();
    second.wait().unwrap();
    assert!(
        verdict.missing.is_empty(),
        "lost after kill -9: {:?}",
        verdict.missing
    );
    assert_eq!(verdict.present, report.acked.len());
}

/// Rule: `pingan doctor` changes nothing and says what is wrong in one line each — a database not
/// migrated, a missing or wrong master key, a taken SIP port — and passes on a sound deployment.
#[tokio::test]
async fn doctor_names_each_problem_in_one_line() {
    let db = TestDb::fresh().await;
    let dir = temp_dir();
    let doctor = |extra: &[&str]| {
        let out = on(&dir, &db).arg("doctor").args(extra).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            out,
        )
    };
    let (ok, said, out) = doctor(&[]);
    assert!(!ok && said.contains("✗ 数据库"), "{said}");
    assert_clear_failure(&out, "部署检查发现");

    stdout(&on(&dir, &db).arg("migrate").output().unwrap());
    let (ok, said, _) = doctor(&[]);
    assert!(!ok, "{said}");
    assert!(said.contains("✓ 数据库结构：已是最新"), "{said}");
    assert!(said.contains("✗ 主密钥：读不到"), "{said}");

    let mut add = on(&dir, &db);
    add.args(["user", "add", "--username", "checked", "--org", "511702"])
        .args([
            "--role",
            "leader",
            "--phone",
            "13712345678",
            "--password-stdin",
        ]);
    stdout(&run_with_stdin(add, "Chec#Ked2026\n"));
    let (ok, said, _) = doctor(&[]);
    assert!(ok, "{said}");
    for line in [
        "✓ 主密钥：与库中加密数据相符",
        "✓ 附件存储：附件目录",
        "✓ 时钟",
        "部署检查通过",
    ] {
        assert!(said.contains(line), "{line} in {said}");
    }
    assert_eq!(
        said.lines().filter(|l| l.starts_with('✓')).count(),
        5,
        "{said}"
    );

    let taken = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (ok, said, _) = doctor(&["--sip-listen", &addr]);
    assert!(
        !ok && said.contains("✗ SIP 端口") && said.contains("已被占用"),
        "{said}"
    );

    let key = dir.join("master.key");
    let kept = std::fs::read_to_string(&key).unwrap();
    std::fs::write(&key, format!("1:{}\n", "ab".repeat(32))).unwrap();
    let (ok, said, _) = doctor(&[]);
    assert!(
        !ok && said.contains("✗ 主密钥：打不开库中的加密数据"),
        "{said}"
    );
    std::fs::write(&key, kept).unwrap();
    assert!(doctor(&[]).0, "the right key again");
}
