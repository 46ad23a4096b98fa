//! Which channels a notification takes: a resident's preferred one with a fallback, and for
//! staff the WeCom robot of their team or project (beside the in-app list they always have).

use super::channel::{Audience, DeliveryChannel, PreferredChannel};
use crate::notice::NoticeKind;
use crate::taxonomy::Channel;

/// What this installation can send on, from its configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Available {
    pub sms: bool,
    pub wechat: bool,
    /// A WeCom robot is configured for the ticket's team or project.
    pub wecom: bool,
}

/// What is known of the person a notification is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    Resident {
        preferred: PreferredChannel,
        /// Bound to the WeChat official account (an openid is known).
        wechat_bound: bool,
    },
    Staff,
    /// The person a conversation is with: an answer goes back where they wrote, whatever they
    /// prefer otherwise.
    InConversation {
        channel: Channel,
    },
}

/// The channel to try first, and the one to try should it fail for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub first: DeliveryChannel,
    pub fallback: Option<DeliveryChannel>,
}

/// The route of one notification, or None when it stays in the in-app list only. A sign-in
/// code always goes by SMS: it proves the phone.
pub fn route(kind: NoticeKind, recipient: Recipient, available: Available) -> Option<Route> {
    match (kind.audience(), recipient) {
        (Audience::Resident, Recipient::InConversation { channel }) => {
            // The H5 chat (app), the web and e-mail show the answer in the thread itself.
            let first = match channel {
                Channel::Wechat => available.wechat.then_some(DeliveryChannel::Wechat),
                Channel::Phone => available.sms.then_some(DeliveryChannel::Sms),
                _ => None,
            };
            first.map(|first| Route {
                first,
                fallback: None,
            })
        }
        (Audience::Staff, _) | (_, Recipient::Staff) => available.wecom.then_some(Route {
            first: DeliveryChannel::Wecom,
            fallback: None,
        }),
        (
            Audience::Resident,
            Recipient::Resident {
                preferred,
                wechat_bound,
            },
        ) => {
            let sms = available.sms.then_some(DeliveryChannel::Sms);
            let wechat = (available.wechat && wechat_bound && kind != NoticeKind::SignInCode)
                .then_some(DeliveryChannel::Wechat);
            let (first, fallback) = match preferred {
                PreferredChannel::Wechat => (wechat.or(sms), wechat.and(sms)),
                PreferredChannel::Sms => (sms.or(wechat), None),
            };
            first.map(|first| Route { first, fallback })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Available = Available {
        sms: true,
        wechat: true,
        wecom: true,
    };

    fn resident(preferred: PreferredChannel, wechat_bound: bool) -> Recipient {
        Recipient::Resident {
            preferred,
            wechat_bound,
        }
    }

    #[test]
    fn a_resident_preferring_wechat_falls_back_to_sms() {
        let r = route(
            NoticeKind::RatingLink,
            resident(PreferredChannel::Wechat, true),
            ALL,
        );
        assert_eq!(
            r,
            Some(Route {
                first: DeliveryChannel::Wechat,
                fallback: Some(DeliveryChannel::Sms)
            })
        );
    }

    #[test]
    fn wechat_unbound_or_not_set_up_goes_straight_to_sms() {
        let sms_only = Some(Route {
            first: DeliveryChannel::Sms,
            fallback: None,
        });
        let unbound = resident(PreferredChannel::Wechat, false);
        assert_eq!(route(NoticeKind::RatingLink, unbound, ALL), sms_only);
        let no_wechat = Available {
            wechat: false,
            ..ALL
        };
        let bound = resident(PreferredChannel::Wechat, true);
        assert_eq!(route(NoticeKind::RatingLink, bound, no_wechat), sms_only);
    }

    #[test]
    fn sign_in_codes_go_by_sms_even_to_wechat_residents() {
        let r = route(
            NoticeKind::SignInCode,
            resident(PreferredChannel::Wechat, true),
            ALL,
        );
        assert_eq!(r.map(|r| r.first), Some(DeliveryChannel::Sms));
        let none = Available { sms: false, ..ALL };
        assert_eq!(
            route(
                NoticeKind::SignInCode,
                resident(PreferredChannel::Sms, true),
                none
            ),
            None
        );
    }

    #[test]
    fn an_sms_resident_with_no_sms_provider_hears_on_wechat_if_bound() {
        let no_sms = Available { sms: false, ..ALL };
        let r = route(
            NoticeKind::OriginalProgress,
            resident(PreferredChannel::Sms, true),
            no_sms,
        );
        assert_eq!(r.map(|r| r.first), Some(DeliveryChannel::Wechat));
    }

    #[test]
    fn an_answer_goes_back_on_the_channel_the_resident_wrote_on() {
        let on = |channel| {
            route(
                NoticeKind::ConversationReply,
                Recipient::InConversation { channel },
                ALL,
            )
            .map(|r| (r.first, r.fallback))
        };
        assert_eq!(on(Channel::Wechat), Some((DeliveryChannel::Wechat, None)));
        assert_eq!(on(Channel::Phone), Some((DeliveryChannel::Sms, None)));
        assert_eq!(on(Channel::App), None, "the H5 chat shows it in the thread");
        let no_wechat = Available {
            wechat: false,
            ..ALL
        };
        assert_eq!(
            route(
                NoticeKind::ConversationReply,
                Recipient::InConversation {
                    channel: Channel::Wechat
                },
                no_wechat
            ),
            None
        );
    }

    #[test]
    fn staff_hear_on_their_robot_when_one_is_set_up() {
        assert_eq!(
            route(NoticeKind::SlaWarning, Recipient::Staff, ALL).map(|r| r.first),
            Some(DeliveryChannel::Wecom)
        );
        let none = Available {
            wecom: false,
            ..ALL
        };
        assert_eq!(route(NoticeKind::SlaWarning, Recipient::Staff, none), None);
    }
}
