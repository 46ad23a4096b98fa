//! Guanjia's ways to people: Alibaba Cloud SMS, Tencent Cloud SMS, the WeCom (企业微信) group
//! robot and the WeChat official account (公众号, both ways: [`wechat`]), each speaking its
//! provider's documented protocol. The signing functions are pure and checked against the providers' published examples; the senders are thin HTTP calls whose
//! answers are read into the domain's [`Outcome`](guanjia_domain::delivery::Outcome).
//!
//! Base URLs, keys, sign names and templates are configuration ([`DeliveryConfig`]).

mod aliyun;
mod config;
pub mod email;
mod http;
mod percent;
mod senders;
mod tencent;
mod webhook;
pub mod wechat;
mod wecom;

pub use aliyun::{aliyun_signature, aliyun_string_to_sign};
pub use config::{
    AliyunConfig, DeliveryConfig, Robot, Secret, SmsProvider, TemplateConfig, TencentConfig,
    WechatConfig, WecomConfig,
};
pub use percent::pop_encode;
pub use senders::Senders;
pub use tencent::{TC3_ALGORITHM, tc3_authorization, tc3_signature};
pub use webhook::{WebhookPost, WebhookSender, webhook_signature};
