//! Every word the pages show, Chinese and English side by side, so that a label is never
//! translated in one place and forgotten in another.

use chrono::Duration;
use guanjia_domain::announcement::{AnnouncementCategory, AnnouncementState};
use guanjia_domain::closed_loop::Breakdown;
use guanjia_domain::conversation::ConversationState;
use guanjia_domain::delivery::{DeliveryChannel, DeliveryState, PreferredChannel};
use guanjia_domain::inspection::{InspectionState, ItemKind, SampleReason};
use guanjia_domain::iot::{AlarmOutcome, AlarmState, AlarmType};
use guanjia_domain::kb::Handoff;
use guanjia_domain::place::RoomKind;
use guanjia_domain::profile::{HistoryKind, ImportantDateKind};
use guanjia_domain::resident::ServiceTier;
use guanjia_domain::role::Role;
use guanjia_domain::scorecard::{Measure, Subject};
use guanjia_domain::script::Situation;
use guanjia_domain::sla::{ClockName, ClockState};
use guanjia_domain::taxonomy::{Channel, Kind, Urgency};
use guanjia_domain::ticket::{ActionName, ResidentStep, Status};
use guanjia_domain::validation::FieldErrorCode;
use guanjia_storage::GroupName;

use crate::i18n::Lang;

/// Declares the fixed labels once with both translations; templates read them as `t.name`.
macro_rules! labels {
    ($($key:ident => $zh:literal, $en:literal;)+) => {
        /// The fixed labels of the pages in one language.
        pub struct Labels { $(pub $key: &'static str,)+ }

        const ZH: Labels = Labels { $($key: $zh,)+ };
        const EN: Labels = Labels { $($key: $en,)+ };

        #[cfg(test)]
        pub(super) fn pairs() -> Vec<(&'static str, &'static str)> {
            vec![$(($zh, $en)),+]
        }
    };
}

labels! {
    html_lang => "zh-CN", "en";
    product => "管家", "Guanjia";
    product_long => "管家 · 物业客服", "Guanjia · Property service desk";
    skip_to_content => "跳到正文", "Skip to content";
    nav_label => "主导航", "Main navigation";
    nav_workbench => "客服工作台", "Workbench";
    nav_new_ticket => "来电登记", "New call";
    nav_board => "预警看板", "SLA board";
    switch_lang => "English", "中文";
    switch_lang_code => "en", "zh";
    sign_out => "退出", "Sign out";
    sign_in => "登录", "Sign in";
    sign_in_title => "员工登录", "Staff sign-in";
    sign_in_hint => "使用工作账号登录。业主请使用手机号登录移动端。", "Sign in with your work account. Residents use the mobile pages.";
    username => "用户名", "Username";
    password => "密码", "Password";
    filters => "筛选", "Filters";
    search => "搜索", "Search";
    search_hint => "工单号、电话或关键词", "Ticket number, phone or words";
    status => "状态", "Status";
    kind => "类型", "Kind";
    category => "分类", "Category";
    urgency => "紧急程度", "Urgency";
    sla => "时限", "SLA";
    any => "全部", "All";
    open_only => "未完结", "Open";
    sla_warning => "预警", "Warning";
    sla_breached => "已超时", "Breached";
    apply => "应用", "Apply";
    reset => "重置", "Reset";
    number => "工单号", "Number";
    title => "摘要", "Summary";
    project => "项目", "Project";
    room => "房号", "Room";
    contact => "联系人", "Contact";
    assignee => "处理人", "Assignee";
    reported => "报事时间", "Reported";
    created => "登记时间", "Logged";
    no_tickets => "没有符合条件的工单。", "No tickets match.";
    previous => "上一页", "Previous";
    next => "下一页", "Next";
    page_of => "页", "page";
    total_prefix => "共", "";
    total_suffix => "条", "tickets";
    view_all => "查看全部", "View all";
    export_excel => "导出 Excel", "Export to Excel";
    escalation_risk => "升级风险", "Escalation risk";
    duplicate => "重复", "Duplicate";
    duplicate_of => "重复于", "Duplicate of";
    board_title => "时限预警看板", "SLA warnings and breaches";
    board_hint => "每分钟自动刷新。", "Refreshes every minute.";
    board_warnings => "即将超时（已过预警点）", "Past an early warning";
    board_breaches => "已超时", "Overdue";
    new_ticket_title => "来电登记", "Log a call";
    caller_phone => "来电号码", "Caller's number";
    caller_phone_hint => "输入号码即可显示住户信息", "Type the number to see the household";
    caller_card => "来电人信息", "Caller";
    caller_unknown => "未登记的号码：工单将记录为临时联系人。", "Unregistered number: the ticket keeps it as a contact.";
    caller_partial => "号码不完整，以下为号码相近的历史工单。", "Number incomplete: past tickets with similar numbers.";
    caller_typing => "输入至少 7 位数字后显示来电人。", "Type at least 7 digits to look the caller up.";
    caller_pick => "报事住户", "Reporting resident";
    household => "同户成员", "Household";
    recent_tickets => "近期工单", "Recent tickets";
    call_incoming => "来电", "Incoming call";
    call_ringing => "振铃中", "Ringing";
    call_answered => "通话中", "On the line";
    call_ended => "已挂断", "Ended";
    extension => "分机", "Extension";
    extension_title => "来电分机", "Phone extension";
    extension_hint => "电话系统在此分机振铃时，其工作台弹出来电人信息；留空则取消。", "When the phone system rings this extension, their workbench pops up the caller; leave empty to take it away.";
    call_unknown => "未登记的号码", "Unregistered number";
    call_open_ticket => "为来电人登记工单", "Open a ticket for the caller";
    calls => "通话", "Calls";
    call_recording => "通话录音", "Recording";
    call_no_recording => "暂无录音", "No recording yet";
    none_yet => "暂无", "None";
    contact_name => "联系人姓名", "Contact name";
    description => "问题描述", "Description";
    description_hint => "记录业主原话，类型、分类和紧急程度会自动识别。", "Write what the caller said; kind, category and urgency are read from it.";
    more_options => "更多选项（可不填）", "More options (optional)";
    auto_detect => "自动识别", "Detect from text";
    create_ticket => "提交工单", "Create ticket";
    tier_premium => "尊享", "Premium";
    channel => "渠道", "Channel";
    first_contact_owner => "首问负责人", "First-contact owner";
    satisfaction => "满意度", "Satisfaction";
    deadlines => "服务时限", "Deadlines";
    due => "截止", "Due";
    no_deadlines => "此工单没有时限。", "No deadlines apply.";
    hotline_order => "12345工单", "12345 order";
    hotline_street => "所属街道", "Street";
    hotline_arrivals => "平台派送次数", "Times sent by the platform";
    hotline_reply => "办理结果", "Handling result";
    hotline_replied => "已答复", "Answered";
    hotline_reply_hint => "写明做了什么、已告知诉求人；工单须先办结。导出后上传到12345平台。", "Say what was done and that the caller was told; resolve the ticket first. Export it to upload to the 12345 platform.";
    hotline_reply_save => "保存办理结果", "Save the handling result";
    hotline_export => "导出12345答复表", "Export the 12345 replies";
    hotline_import => "导入12345工单", "Import 12345 orders";
    hotline_on_time => "按时办结率（近30天）", "Answered in time (last 30 days)";
    hotline_waiting => "待答复", "Waiting for a result";
    hotline_import_hint => "上传12345平台导出的 .xlsx（工单编号、来电时间、诉求人、联系电话、诉求内容、签收时限、办理时限、所属街道），按表头识别列。已导入过的工单编号会更新原工单。", "Upload the .xlsx exported by the 12345 platform (order no., call time, caller, phone, request, sign-for and answer deadlines, street); columns are found by their headers. An order number imported before updates its ticket.";
    hotline_created => "新建工单", "Tickets opened";
    hotline_updated => "更新工单", "Tickets updated";
    hotline_checked => "检查通过，可导入的工单数", "Checked: orders ready to import";
    candidates => "可能重复", "Possible duplicates";
    timeline => "处理记录", "Timeline";
    deliveries => "消息送达", "Messages sent";
    no_deliveries => "尚无发出的消息", "No message sent yet";
    in_app_only => "仅站内", "In the app only";
    internal => "内部", "Internal";
    resident_visible => "业主可见", "Visible to resident";
    actions => "操作", "Actions";
    no_actions => "当前状态下您没有可执行的操作。", "There is nothing you can do on this ticket now.";
    note_optional => "备注（可选）", "Note (optional)";
    unchanged => "不变", "Unchanged";
    reason_required => "原因（必填）", "Reason (required)";
    choose_assignee => "选择处理人", "Choose the assignee";
    choose_team => "或派给班组", "Or a team";
    nobody => "不指定", "Nobody";
    comment_body => "内容", "Text";
    visibility => "可见范围", "Visible to";
    satisfaction_scale => "1 很不满意 … 5 很满意", "1 very unhappy … 5 very happy";
    original_number => "原工单编号", "Original ticket number";
    not_found_title => "出错了", "Something went wrong";
    back_to_workbench => "返回工作台", "Back to the workbench";
    csrf_failed => "页面已过期，请刷新后重试。", "This page has expired: reload it and try again.";
    stars => " 分", "/5";
    system => "系统", "System";
    adopted_yes => "采纳", "Adopted";
    adopted_no => "不采纳", "Declined";
    outcome => "回访结果", "Call outcome";
    outcome_reached => "已联系上", "Reached";
    outcome_not_reached => "未接通", "Not reached";
    timeliness => "及时性", "Timeliness";
    attitude => "服务态度", "Attitude";
    escalation_level => "升级", "Escalated";
    quick_note => "备注（可选，随下方按钮提交）", "Note (optional, sent with the button you press)";
    score => "相似度", "Similarity";
    description_label => "报事内容", "What was reported";
    unknown => "—", "—";
    rate_title => "服务评价", "Rate our service";
    rate_overall => "总体满意度", "Overall";
    rate_timeliness => "处理及时性", "Timeliness";
    rate_attitude => "服务态度", "Attitude";
    rate_comment => "意见或建议（可选）", "Comments (optional)";
    rate_submit => "提交评价", "Submit";
    rate_thanks => "感谢您的评价！", "Thank you for your rating!";
    rate_rework => "很抱歉没有让您满意。我们已安排重新处理，主管会与您联系。", "We are sorry it was not right: the work is reopened and a supervisor will contact you.";
    survey_title => "满意度调查", "Survey";
    survey_reason => "原因（可选）", "Why? (optional)";
    survey_low => "0 = 不可能", "0 = not at all likely";
    survey_high => "10 = 非常可能", "10 = extremely likely";
    survey_submit => "提交", "Submit";
    survey_thanks => "感谢您的反馈！", "Thank you for your answer!";
    link_used => "此链接已使用过，感谢您的参与。", "This link has already been used. Thank you!";
    link_expired => "此链接已失效。如需帮助请联系物业服务中心。", "This link has expired. Please contact the service desk if you need help.";
    link_invalid => "链接无效，请核对短信或微信中的链接。", "This link is not valid: please check the message you received.";
    nav_dashboard => "服务看板", "Dashboard";
    nav_import => "导入房屋与住户", "Import rooms & residents";
    nav_hotline => "12345工单", "12345 orders";
    nav_kb => "知识库", "Knowledge base";
    kb_search_hint => "用大白话问，如：物业几点上班", "Ask in plain words, e.g. when is the office open";
    kb_new => "新建文章", "New article";
    kb_title => "标题", "Title";
    kb_body => "正文（Markdown）", "Body (Markdown)";
    kb_questions => "其他问法（每行一个）", "Other phrasings (one a line)";
    kb_tags => "标签（逗号分隔）", "Tags (comma separated)";
    kb_projects => "适用项目（都不选：全公司）", "Projects (none: the whole company)";
    kb_review_by => "复核日期", "Review by";
    kb_save_draft => "保存为草稿", "Save as draft";
    kb_publish => "发布", "Publish";
    kb_archive => "归档", "Archive";
    kb_restore => "恢复", "Restore";
    kb_history => "版本历史", "History";
    kb_version => "版本", "Version";
    kb_import => "导入 .xlsx（每行一篇，导入为草稿）", "Import .xlsx (one article a row, as drafts)";
    kb_imported => "已导入为草稿的文章数", "Articles imported as drafts";
    kb_export => "导出 .xlsx", "Export .xlsx";
    kb_results => "搜索结果", "Results";
    kb_articles => "文章", "Articles";
    kb_no_results => "没有找到相关文章，换个说法试试。", "No article found: try other words.";
    kb_draft => "草稿", "Draft";
    kb_published => "已发布", "Published";
    kb_archived => "已归档", "Archived";
    kb_pending => "有未发布的修改", "Unpublished changes";
    kb_published_version => "已发布版本", "Published version";
    scripts_title => "推荐话术", "Suggested scripts";
    scripts_hint => "点一下放入回复框，已按工单填好称呼、工单号等。", "One click puts it into the reply box, filled from the ticket.";
    scripts_hint_inbox => "点一下放入回复框，已按关联工单或住户填好称呼等。", "One click puts it into the reply box, filled from the linked ticket or the resident.";
    checklist_title => "作业检查单", "SOP checklist";
    checklist_required => "办结前须全部完成", "Required before resolving";
    kb_scripts => "话术库", "Standard scripts";
    kb_scripts_hint => "客服回复用的标准话术；以下占位符按工单填好：", "Approved wording for the desk's replies; these placeholders are filled from the ticket (salutation, ticket number, expected time, technician):";
    script_new => "新增话术", "New script";
    script_situation => "场景", "Situation";
    script_category_any => "所有分类", "Every category";
    script_states => "适用工单状态（都不选：按场景推荐）", "Ticket statuses (none: those the situation is likely in)";
    script_body => "话术内容", "Wording";
    script_active => "推荐给客服", "Suggested to the desk";
    script_uses => "使用次数", "Uses";
    script_archive_hint => "归档后不再推荐给客服，可随时恢复。", "Once archived it is no longer suggested; it can be restored at any time.";
    kb_checklists => "作业检查单", "SOP checklists";
    kb_checklists_hint => "按分类设置技术员上门作业的步骤。", "The steps a technician follows, per category.";
    checklist_new => "新增检查单", "New checklist";
    checklist_steps => "步骤（每行一个）", "Steps (one a line)";
    checklist_step_count => "步骤数", "Steps";
    checklist_delete_hint => "删除后该分类的工单不再显示此检查单，也不再要求办结前完成；已勾选的记录保留在工单时间线上。", "Its tickets no longer show it nor need it before resolving; ticks already made stay on their timelines.";
    done_archived => "已归档。", "Archived.";
    done_restored => "已恢复。", "Restored.";
    nav_inbox => "会话", "Inbox";
    inbox_title => "会话收件箱", "Inbox";
    inbox_hint => "所有渠道的住户消息，最新在前，新消息自动出现", "Residents' messages on every channel, newest first; new ones appear by themselves";
    inbox_empty => "暂无会话", "No conversations";
    inbox_pick => "选择左侧的会话查看消息", "Pick a conversation to read it";
    inbox_reply => "回复住户", "Reply";
    inbox_reply_placeholder => "输入回复，将通过住户来信的渠道发回", "Type a reply: it goes back on the channel the resident wrote on";
    inbox_send => "发送", "Send";
    inbox_open_ticket => "转为工单", "Open a ticket";
    inbox_ticket => "查看工单", "See the ticket";
    inbox_close => "关闭会话", "Close";
    inbox_unknown => "未绑定的用户", "Unknown sender";
    inbox_profile => "住户信息", "Resident";
    inbox_recent => "近期工单", "Recent tickets";
    inbox_none => "无", "None";
    inbox_unread_only => "只看未读", "Unread only";
    inbox_all_channels => "全部渠道", "All channels";
    inbox_all_states => "全部状态", "Any state";
    inbox_state_open => "待回复", "To answer";
    inbox_state_waiting => "待住户回复", "Waiting for the resident";
    inbox_state_closed => "已关闭", "Closed";
    inbox_from_us => "客服", "Agent";
    inbox_filter => "筛选", "Filter";
    chat_title => "在线咨询", "Chat with us";
    chat_hint => "有问题直接发消息，物业客服会尽快回复", "Write to the property office; an agent answers soon";
    chat_placeholder => "输入消息…", "Type a message…";
    chat_empty => "还没有消息，说说您遇到的问题吧", "No messages yet: tell us what you need";
    chat_us => "物业客服", "Property office";
    chat_you => "我", "Me";
    chat_bot => "智能客服", "Assistant";
    chat_helpful_ask => "这个回答有帮助吗？", "Did this answer help?";
    chat_helpful => "有帮助", "Helpful";
    chat_not_helpful => "没帮助", "Not helpful";
    nav_jobs => "我的工单", "My jobs";
    dashboard_title => "服务看板", "Service dashboard";
    period => "统计周期", "Period";
    all_projects => "全部项目", "All projects";
    dashboard_hint => "按报事时间统计所选周期内的工单（已取消的除外）；未完结工单为当前数量。", "Tickets reported in the period, cancelled ones left out; open tickets are counted as of now.";
    chart_intake => "每日报事量", "Tickets reported per day";
    chart_open => "未完结工单（按状态）", "Open tickets by status";
    chart_sla => "时限达成率（按时限）", "SLA compliance by clock";
    chart_csat => "满意度周趋势", "Satisfaction by week";
    chart_projects => "各项目排行（按时限达成率、满意度）", "Projects ranked (SLA met, then satisfaction)";
    chart_trend => "近12个月趋势", "The last 12 months";
    month => "月份", "Month";
    fig_complaints => "投诉量", "Complaints";
    fig_reported => "报事量", "Reported";
    fig_open => "未完结", "Open now";
    fig_sla => "时限达成率", "SLA met";
    fig_first_response => "平均首次响应", "Avg. first response";
    fig_csat => "平均满意度", "Avg. satisfaction";
    fig_closed_loop => "投诉闭环率", "Complaints closed after follow-up";
    fig_one_time => "一次性解决率", "Resolved first time";
    fig_follow_up => "回访覆盖率", "Follow-up coverage";
    fig_reopen => "重开率", "Reopen rate";
    fig_repeat => "重复投诉率", "Repeat complaints";
    fig_adoption => "建议采纳率", "Suggestions adopted";
    fig_nps => "净推荐值", "NPS";
    fig_bot_answer => "机器人解答率", "Bot answer rate";
    fig_bot_helpful => "机器人回答有用率", "Bot answers found helpful";
    fig_bot_handoff => "转人工率", "Handed to a person";
    fig_bot_routine => "机器人独立解答率", "Routine inquiries answered by the bot";
    fig_complaint_24h => "投诉24小时办结率", "Complaints closed within 24 h";
    fig_complaint_median => "投诉办结时长中位数", "Median time to close a complaint";
    fig_response_15 => "15分钟响应率", "First response within 15 min";
    fig_first_update => "首次进度更新中位数", "Median time to the first update";
    fig_escalation => "升级率", "Escalation rate";
    fig_duplicate => "重复工单率", "Duplicate tickets";
    fig_online => "线上渠道占比", "Online share";
    fig_per_agent_day => "人均日处理量", "Cases per person per day";
    fig_repeat_change => "重复投诉环比", "Repeat complaints vs previous period";
    group_unset => "（未指定）", "(none)";
    counted => "期内报事（不含已取消）", "Reported (not cancelled)";
    breakdown => "分组", "Group by";
    custom_from => "自定义起始日", "From (custom)";
    today => "今天", "Today";
    custom_to => "自定义截止日", "To (custom)";
    chart_groups => "分组对比", "By group";
    previous_period => "上期报事", "Previous period";
    drill_note => "正在查看看板数字背后的工单", "Showing the tickets behind a dashboard figure";
    day => "日期", "Date";
    week_of => "周（自周一）", "Week of";
    count => "数量", "Count";
    ratings => "评价数", "Ratings";
    met_of_finished => "达成 / 已结束", "Met / finished";
    data_table => "数据表", "Data table";
    import_title => "导入房屋与住户", "Import rooms and residents";
    import_hint => "上传 Excel 工作簿 (.xlsx，不超过 1 MB)。按列名识别，中英文均可：楼栋、单元、房号、类型、面积、业主姓名、电话、身份、服务等级；楼栋和房号必填。先检查，无误后导入；有任何问题都不会导入，已存在的房屋和住户会跳过。", "Upload an Excel workbook (.xlsx, at most 1 MB). Columns are found by their header, in Chinese or English: building, unit, room, type, area, name, phone, role, tier; building and room are required. Check it first, then import: nothing is imported while any row has a problem, and rooms and residents already there are skipped.";
    import_file => "Excel 文件 (.xlsx)", "Excel file (.xlsx)";
    import_template => "下载模板", "Download the template";
    import_check => "检查文件", "Check the file";
    import_run => "导入", "Import";
    import_ready => "检查通过。导入将会：", "The file is fine. Importing it will:";
    import_done => "导入完成：", "Imported:";
    import_refused => "未导入任何数据。请按下表修改文件后重新上传：", "Nothing was imported. Fix these in the file and upload it again:";
    import_nothing => "文件中没有房屋数据（只有表头）。", "The file has no rooms (only the header).";
    buildings_created => "新建楼栋", "New buildings";
    rooms_created => "新建房屋", "New rooms";
    rooms_existing => "已存在的房屋（跳过）", "Rooms already there (skipped)";
    residents_created => "新增住户", "New residents";
    residents_existing => "已存在的住户（跳过）", "Residents already there (skipped)";
    row => "行", "Row";
    column => "列", "Column";
    problem => "问题", "Problem";
    header_row => "表头", "Header";
    not_xlsx => "这不是 .xlsx 文件。请在 Excel 或 WPS 中“另存为” Excel 工作簿 (.xlsx) 后再上传。", "This is not an .xlsx file: save it as an Excel workbook (.xlsx) and upload it again.";
    unreadable => "无法读取此文件，可能已损坏或设置了密码。", "The file cannot be read: it may be damaged or password-protected.";
    empty_file => "文件中没有数据。", "The file has no data.";
    too_many_rows => "超过 20000 行，请拆分成几个文件分别导入。", "More than 20,000 rows: split the file and import the parts.";
    too_large => "上传的内容超过 1 MB，请把文件拆分后分别上传。", "The upload is larger than 1 MB: split the file and upload the parts.";
    no_file => "请选择要上传的文件。", "Choose a file to upload.";
    column_missing => "缺少此列", "this column is missing";
    not_a_number => "应为数字（平方米）", "must be a number (m²)";
    one_of => "应为：", "must be one of: ";
    jobs_title => "我的工单", "My jobs";
    no_jobs => "目前没有派给您的工单。", "No jobs for you right now.";
    back_to_jobs => "返回我的工单", "Back to my jobs";
    call => "拨打", "Call";
    // Resident pages (H5)
    h5_nav_requests => "我的报事", "My requests";
    h5_nav_report => "我要报事", "Report a problem";
    h5_sign_in_title => "业主登录", "Resident sign-in";
    h5_sign_in_hint => "输入在物业登记的手机号，我们会发送 6 位验证码。", "Enter the mobile number registered with the property office; we send you a 6-digit code.";
    h5_phone => "手机号", "Mobile number";
    h5_send_code => "获取验证码", "Send me a code";
    h5_code_sent => "如果该号码已在物业登记，验证码已发送，5 分钟内有效。", "If this number is registered, a code is on its way. It works for 5 minutes.";
    h5_code => "验证码", "Code";
    h5_code_hint => "短信中的 6 位数字", "The 6 digits in the text message";
    h5_code_again => "没收到？重新获取", "Nothing came? Send another";
    h5_code_wrong => "验证码错误或已过期，请重新输入或重新获取。", "The code is wrong or has expired: type it again or ask for a new one.";
    h5_phone_invalid => "请输入正确的 11 位手机号。", "Enter a valid 11-digit mobile number.";
    h5_staff_link => "物业员工请从这里登录", "Property staff sign in here";
    h5_requests_title => "我的报事", "My requests";
    h5_no_requests => "您还没有报事记录。遇到问题可以随时在这里报给物业。", "No requests yet. Whenever something needs fixing, report it here.";
    h5_back => "返回我的报事", "Back to my requests";
    h5_notices_title => "物业公告", "Notices";
    h5_no_notices => "暂无公告。", "No notices yet.";
    h5_unread => "未读", "unread";
    h5_acknowledge => "已知晓", "Got it";
    h5_acknowledged => "您已确认知晓", "You confirmed you have read it";
    h5_please_acknowledge => "这是重要通知，阅读后请点击“已知晓”。", "This notice is important: once read, tap Got it.";
    h5_back_notices => "返回公告列表", "Back to notices";
    nav_announcements => "公告", "Announcements";
    announcements_title => "公告管理", "Announcements";
    announcement_new => "发布公告", "New announcement";
    announcement_title_field => "标题", "Title";
    announcement_body => "正文（支持 Markdown）", "Text (Markdown)";
    announcement_category => "类别", "Category";
    announcement_project => "项目", "Project";
    announcement_buildings => "楼栋（不选为全部）", "Buildings (none: all)";
    announcement_room_kinds => "房屋类型（不选为全部）", "Room kinds (none: all)";
    announcement_tiers => "服务等级（不选为全部）", "Tiers (none: all)";
    announcement_tags => "标签（用逗号分隔）", "Tags (comma separated)";
    announcement_requires_ack => "重要通知，需要业主确认“已知晓”", "Critical: residents must acknowledge it";
    announcement_send_at => "定时发送（留空为立即发送）", "Send at (empty: now)";
    announcement_preview => "预估人数", "Count recipients";
    announcement_preview_count => "将发送给的人数", "People it will reach";
    announcement_send => "发送", "Send";
    announcement_recipients => "发送人数", "Recipients";
    announcement_delivered => "已送达", "Delivered";
    announcement_read => "已读", "Read";
    announcement_acknowledged => "已知晓", "Acknowledged";
    announcement_read_rate => "触达率", "Read rate";
    announcement_state => "状态", "State";
    announcement_to_call => "待电话提醒", "To call";
    announcement_reminded => "已发提醒", "reminded";
    announcement_none_to_call => "没有需要电话提醒的住户。", "Nobody left to call.";
    announcement_none => "还没有公告。", "No announcements yet.";
    h5_report_title => "我要报事", "Report a problem";
    h5_room => "房屋", "Home";
    h5_choose_room => "请选择房屋", "Choose the home";
    h5_description_hint => "说明什么问题、在哪个位置，例如“卫生间天花板漏水”。", "Say what is wrong and where, e.g. “water dripping from the bathroom ceiling”.";
    h5_photos => "照片", "Photos";
    h5_report_submit => "提交报事", "Send the report";
    h5_no_photos => "暂无照片。", "No photos yet.";
    h5_add_photos => "补充照片", "Add photos";
    h5_upload => "上传照片", "Upload photos";
    h5_progress => "处理进度", "Progress";
    h5_sent_to_you => "发给您的消息", "Messages sent to you";
    h5_preferences => "通知设置", "Notifications";
    preferred_channel => "接收通知方式", "Hear from us by";
    preferred_channel_hint => "选择微信时，未绑定或发送失败将改发短信；验证码始终以短信发送。", "With WeChat, messages fall back to SMS when you are not bound or it fails; sign-in codes always come by SMS.";
    h5_me => "我", "Me";
    h5_rate_title => "评价本次服务", "Rate our service";
    h5_rate_hint => "问题已处理完成，请为本次服务打分（1–5 分）。不满意我们会重新处理。", "The work is done: please rate it from 1 to 5. If you are not satisfied we will work on it again.";
    bill_title => "有偿服务收费", "Paid service";
    bill_total => "合计", "Total";
    bill_pending => "待业主确认", "Waiting for the resident";
    bill_accepted => "已确认", "Confirmed";
    bill_disputed => "有异议", "Disputed";
    h5_charges_confirm => "确认收费", "Confirm the bill";
    h5_charges_dispute => "有异议", "Dispute it";
    work_photo => "拍照上传", "Take a photo";
    work_photo_hint => "照片会出现在处理记录中，业主可见。", "The photo goes into the timeline, visible to the resident.";
    work_photo_submit => "上传照片", "Upload the photo";
    work_record_title => "完工登记", "Finish the job";
    work_materials => "使用材料（可选）", "Materials used (optional)";
    work_material_name => "材料名称", "Material";
    work_material_quantity => "数量", "Quantity";
    work_material_unit => "单位", "Unit";
    work_paid => "有偿服务", "Paid services";
    work_paid_hint => "按本项目价目表收费，数量填 0 表示不收取；业主确认后生效。", "Billed from the project's price list; leave 0 for items not used. The resident confirms the bill.";
    work_no_price_list => "本项目未设置价目表，无有偿服务项目。", "This project has no price list: nothing to bill.";
    work_submit => "完工并提交记录", "Finish and record the work";
    work_checkin_hint => "点“到场”时会请求手机定位，记录签到位置；不允许定位也可以到场。", "Pressing Arrive asks the phone for its position to record the check-in; you can arrive without it.";
    // Admin and supervisor pages
    attachments => "附件", "Attachments";
    no_attachments => "暂无照片。", "No photos yet.";
    photo => "照片", "Photo";
    photo_file => "添加照片（JPEG、PNG 或 WebP，不超过 10 MB）", "Add a photo (JPEG, PNG or WebP, at most 10 MB)";
    photo_hint => "照片会出现在处理记录中，业主可见。", "The photo goes into the timeline, visible to the resident.";
    photo_upload => "上传", "Upload";
    nav_team => "班组负荷", "Team load";
    nav_admin => "系统管理", "Admin";
    team_title => "班组负荷与改派", "Team load and reassignment";
    team_load => "人员负荷", "Load per technician";
    technician => "维修人员", "Technician";
    teams => "班组", "Teams";
    team => "班组", "Team";
    members => "成员", "Members";
    duty_now => "当前在岗", "On duty now";
    on_duty => "在岗", "On duty";
    off_duty => "不在岗", "Off duty";
    open_jobs => "在办", "Open jobs";
    on_time => "正常", "On time";
    no_technicians => "此项目没有维修人员。", "This project has no technicians.";
    no_teams => "此项目还没有班组。", "This project has no teams yet.";
    escalations => "已升级工单", "Escalated tickets";
    no_escalations => "没有已升级的工单。", "No escalated tickets.";
    open_jobs_of_project => "未完结工单与改派", "Open tickets and reassignment";
    reassign_to => "改派给", "Reassign to";
    admin_hint => "公司基础资料：项目与房屋、住户、员工、班组、分类、服务时限与工作日历。每次修改都记入审计日志。", "The company's set-up: projects and rooms, residents, staff, teams, categories, SLA policies and calendars. Every change goes into the audit trail.";
    admin_projects => "项目与房屋", "Projects and rooms";
    admin_projects_hint => "项目、楼栋和房屋的清单与新增。", "Projects, their buildings and rooms.";
    admin_residents => "住户", "Residents";
    admin_residents_hint => "按姓名或电话查找住户，为房屋登记住户。", "Find residents by name or phone; register one in a room.";
    admin_import_hint => "从 Excel 批量导入房屋与住户。", "Rooms and residents in bulk from Excel.";
    admin_staff => "员工", "Staff";
    admin_staff_hint => "员工账号、角色、所属项目和技能。", "Staff accounts, roles, projects and skills.";
    admin_teams => "班组与网格", "Teams and grids";
    admin_teams_hint => "班组成员、网格划分和排班。", "Team members, grids and duty rosters.";
    admin_categories => "报事分类", "Categories";
    admin_categories_hint => "分类的名称、启用状态、回访和派单方式。", "Category names, state, follow-up and dispatch mode.";
    admin_policies => "服务时限", "SLA policies";
    admin_policies_hint => "各类工单的响应、到场、解决和回访时限。", "Response, arrival, resolution and follow-up targets.";
    admin_calendars => "工作日历", "Calendars";
    admin_calendars_hint => "工作时间、节假日和调休，可导入导出。", "Business hours, holidays and make-up days; import and export.";
    admin_vocabulary => "智能识别词库", "Message vocabulary";
    admin_vocabulary_hint => "分类关键词、同义词、紧急和风险词、重复报事时间窗，可先试读再保存。", "Category words, synonyms, emergency and risk words, duplicate windows; try before saving.";
    admin_robots => "企业微信群机器人", "WeCom group robots";
    admin_robots_hint => "工单提醒发到项目或班组的企业微信群：添加、测试、停用。", "Ticket alerts to a project's or team's WeCom group: add, test, stop.";
    new_robot => "添加群机器人", "Add a group robot";
    robot_name => "名称（如 维修班群）", "Name (e.g. Repair team group)";
    robot_team => "班组（不选则整个项目）", "Team (none: the whole project)";
    webhook_key => "Webhook 地址或 key", "Webhook address or key";
    webhook_key_hint => "在群聊 › 群机器人 › 复制 Webhook 地址；保存后不再显示。", "In the group chat › Group robots › copy the webhook address; never shown again once saved.";
    webhook_key_new => "新的 Webhook 地址或 key（留空则不变）", "New webhook address or key (empty: unchanged)";
    webhook_key_set => "已设置（不显示）", "Set (not shown)";
    robot_test => "发送测试消息", "Send a test message";
    robot_test_sent => "测试消息已发到群里", "The test message reached the group";
    robot_test_failed => "测试消息未发出", "The test message was not sent";
    robot_active => "启用中", "Active";
    robot_delete_hint => "删除后，已排队经它发送的提醒将不再发送。", "Once deleted, alerts queued through it are not sent.";
    admin_api_keys => "接口密钥", "API keys";
    admin_api_keys_hint => "其他系统调用本系统的密钥：权限、项目、最近使用、轮换和吊销。", "Keys other systems call in with: scopes, projects, last use, rotation and revocation.";
    admin_webhooks => "事件推送", "Webhooks";
    admin_webhooks_hint => "把工单、时限和事件推送到其他系统：订阅、测试、暂停、推送记录和重发。", "Tickets, deadlines and incidents pushed to other systems: subscribe, test, pause, the delivery log and replays.";
    new_api_key => "新建密钥", "New key";
    api_key_name => "名称（如 12345 对接）", "Name (e.g. 12345 relay)";
    api_key_scopes => "权限", "Scopes";
    api_key_projects => "项目（不选则全部项目）", "Projects (none: every project)";
    api_key_prefix => "前缀", "Prefix";
    last_used => "最近使用", "Last used";
    never_used => "未使用", "Never used";
    key_shown_once => "密钥只显示这一次，请立即复制并妥善保存；离开本页后无法再查看。", "The key is shown this once: copy it now and keep it safe; it cannot be seen again after this page.";
    secret_shown_once => "签名密钥只显示这一次，请立即复制，用于验证 X-Guanjia-Signature；离开本页后无法再查看。", "The signing secret is shown this once: copy it now to verify X-Guanjia-Signature; it cannot be seen again after this page.";
    key_active => "有效", "Active";
    key_revoked => "已吊销", "Revoked";
    rotate => "轮换", "Rotate";
    rotate_hint => "生成新密钥；旧密钥在 24 小时内仍可使用，便于对方切换。", "Issues a new key; the old one keeps working for 24 hours while the caller switches.";
    revoke => "吊销", "Revoke";
    revoke_confirm => "确认吊销（立即失效）", "Revoke now (stops working at once)";
    new_webhook => "新建订阅", "New subscription";
    webhook_url => "接收地址（http/https）", "Receiving URL (http/https)";
    webhook_events => "事件", "Events";
    webhook_internal => "也推送内部备注", "Also internal comments";
    webhook_paused => "已暂停", "Paused";
    webhook_failures => "连续失败", "Failures in a row";
    pause => "暂停", "Pause";
    resume => "恢复", "Resume";
    test_send => "发送测试", "Send a test";
    test_delivered => "测试已送达", "The test was delivered";
    test_failed => "测试未送达", "The test was not delivered";
    webhook_deliveries => "推送记录", "Delivery log";
    delivery_event => "事件", "Event";
    delivery_state => "状态", "State";
    delivery_status => "HTTP 状态", "HTTP status";
    delivery_attempts => "尝试次数", "Attempts";
    delivery_time => "时间", "Time";
    delivery_error => "错误", "Error";
    replay => "重发", "Replay";
    delivery_pending => "待发送", "Pending";
    delivery_sending => "发送中", "Sending";
    delivery_delivered => "已送达", "Delivered";
    delivery_failed => "已放弃", "Given up";
    older_deliveries => "更早的记录", "Older deliveries";
    admin_devices => "物联网设备", "IoT devices";
    admin_devices_hint => "烟感、水浸、电梯等设备的登记、位置、启停和最近告警。", "Smoke, leak, lift and other devices: registration, place, activation and recent alarms.";
    new_device => "登记设备", "Register a device";
    device_own_id => "设备编号（平台上的 ID、序列号或 MAC）", "Device id (its platform id, serial or MAC)";
    device_type => "设备类型", "Device type";
    device_place => "位置", "Place";
    device_place_words => "公共区域（如 1号电梯、B1 水泵房）", "Common area (e.g. Lift 1, B1 pump room)";
    device_building => "楼栋", "Building";
    device_unit => "单元", "Unit";
    no_building => "（不在楼栋内）", "(not in a building)";
    all_types => "全部类型", "All types";
    any_state => "全部状态", "Any state";
    filter => "筛选", "Filter";
    device_active => "启用中", "Active";
    no_devices => "没有符合条件的设备。", "No devices match.";
    recent_alarms => "最近告警", "Recent alarms";
    no_alarms => "暂无告警。", "No alarms yet.";
    more_alarms => "更早的告警", "Older alarms";
    alarm_received => "接收时间", "Received";
    alarm_type => "告警类型", "Alarm type";
    alarm_state => "状态", "State";
    alarm_outcome => "处理", "Handling";
    alarm_ticket => "工单", "Ticket";
    vocabulary_version => "版本", "Version";
    vocabulary_built_in => "系统内置词库", "Built-in vocabulary";
    vocabulary_json => "词库（JSON）", "Vocabulary (JSON)";
    vocabulary_json_hint => "与接口 GET /api/v1/intake/vocabulary 的格式相同。", "In the shape GET /api/v1/intake/vocabulary returns.";
    vocabulary_try => "试读一句话", "Try a message";
    vocabulary_try_button => "用上面的词库试读", "Read it with the vocabulary above";
    vocabulary_save => "保存词库", "Save the vocabulary";
    vocabulary_saved => "词库已保存，新工单将按新词库识别。", "Saved: new tickets are read with it.";
    vocabulary_proposed => "按编辑中的词库", "With the edited vocabulary";
    vocabulary_current => "按现用词库", "With the vocabulary in use";
    vocabulary_changed => "有变化", "Changed";
    vocabulary_reason => "原因", "Reason";
    risk => "投诉升级风险", "Escalation risk";
    location => "位置", "Place";
    evidence => "依据", "Evidence";
    project_residential => "住宅", "Residential";
    project_commercial => "商业", "Commercial";
    project_mixed => "综合", "Mixed use";
    breadcrumb => "位置", "You are here";
    code => "编码", "Code";
    name => "名称", "Name";
    time_zone => "时区（默认 Asia/Shanghai）", "Time zone (default Asia/Shanghai)";
    address => "地址", "Address";
    new_project => "新建项目", "New project";
    add => "添加", "Add";
    buildings => "楼栋", "Buildings";
    new_building => "新建楼栋", "New building";
    building_name => "楼栋名称（如 3栋、B座）", "Building name (e.g. Building 3, Block B)";
    rooms => "房屋", "Rooms";
    unit => "单元", "Unit";
    floor => "楼层", "Floor";
    area => "面积（平方米）", "Area (m²)";
    residents_of_room => "住户", "Residents";
    new_room => "新建房屋", "New room";
    entries => "条", "entries";
    resident_search_hint => "姓名或完整手机号", "Name or full phone number";
    no_residents => "没有符合条件的住户。", "No residents match.";
    phone => "电话", "Phone";
    resident_role => "身份", "Role";
    tier => "服务等级", "Service tier";
    new_resident => "登记住户", "Register a resident";
    choose_room_first => "请先在楼栋页面的房屋列表中点击“住户”，选择要登记的房屋。", "First choose the room: open its building and click “Residents” on its row.";
    role => "角色", "Role";
    skills => "技能", "Skills";
    skills_hint => "技能（维修人员按此派单；选整个类型即综合维修）", "Skills (technicians are dispatched by them; a whole kind for a general handyman)";
    whole_kind => "全部", "all";
    state => "状态", "State";
    active => "在职", "Active";
    inactive => "已停用", "Deactivated";
    activate => "启用", "Activate";
    deactivate => "停用", "Deactivate";
    new_staff => "新增员工", "New staff member";
    initial_password => "初始密码（至少 8 位）", "Initial password (at least 8 characters)";
    staff_projects => "所属项目（管理员和经理可不选，即全部项目）", "Projects (admins and managers may have none: all projects)";
    team_engineering => "工程维修", "Engineering";
    team_cleaning => "保洁", "Cleaning";
    team_security => "秩序安保", "Security";
    team_customer_service => "客服", "Customer service";
    team_greening => "绿化", "Greening";
    team_other => "其他", "Other";
    whole_project => "整个项目", "The whole project";
    change_members => "调整成员", "Change members";
    save => "保存", "Save";
    new_team => "新建班组", "New team";
    team_name => "班组名称", "Team name";
    grids => "网格", "Grids";
    grids_hint => "网格决定哪个班组负责哪些楼栋的工单；自动派单只在该班组内挑选。", "A grid gives a team the jobs of some buildings; automatic dispatch picks within that team.";
    no_grids => "此项目还没有网格：自动派单在全项目的维修人员中挑选。", "No grids yet: automatic dispatch picks among all the project's technicians.";
    new_grid => "新建网格", "New grid";
    grid_name => "网格名称", "Grid name";
    grid_buildings => "楼栋（不选即整个项目）", "Buildings (none: the whole project)";
    follow_up_always => "总是回访", "Always";
    follow_up_unless_rated => "未评价则回访", "Unless rated";
    follow_up_never => "不回访", "Never";
    dispatch_least_load => "最少在办", "Least load";
    dispatch_round_robin => "轮流派单", "Round robin";
    dispatch_grab => "抢单", "Grab";
    unchanged_or_default => "默认（或不变）", "Default (or unchanged)";
    label_zh => "中文名称", "Chinese name";
    label_en => "英文名称", "English name";
    follow_up_label => "回访", "Follow-up";
    dispatch_label => "派单方式", "Dispatch";
    in_use => "启用", "In use";
    not_in_use => "已停用", "Not in use";
    enable => "启用", "Enable";
    disable => "停用", "Disable";
    edit => "编辑", "Edit";
    new_category => "新增分类", "New category";
    edit_category => "编辑分类", "Edit category";
    admin_wechat => "微信公众号", "WeChat official accounts";
    admin_wechat_hint => "接入的公众号、回调地址、启用与停用；密钥只写不读。", "Connected official accounts, their server URLs, in use or not; secrets are write-only.";
    wechat_new => "接入公众号", "Connect an account";
    wechat_edit => "编辑公众号", "Edit the account";
    wechat_name => "公众号名称", "Account name";
    wechat_app_id => "开发者ID (AppID)", "Developer ID (AppID)";
    wechat_callback_url => "服务器地址 (URL)", "Server URL";
    wechat_callback_hint => "在公众号后台“设置与开发 › 基本配置 › 服务器配置”中填入服务器地址和 Token。", "In the account's console (Settings and development › Basic configuration › Server configuration), enter the server URL and the Token.";
    wechat_secrets => "密钥", "Secrets";
    wechat_remove_aes_key => "删除 EncodingAESKey（改为明文模式）", "Remove the EncodingAESKey (plaintext mode)";
    whole_company => "全公司", "Whole company";
    secret_set => "已设置", "set";
    secret_not_set => "未设置", "not set";
    secret_keep_hint => "留空则保持不变", "leave empty to keep it";
    category_code => "编码（类型.分类，如 repair.water）", "Code (kind.category, e.g. repair.water)";
    unit_minutes => "分钟", "minutes";
    unit_hours => "小时", "hours";
    unit_business_days => "个工作日", "business days";
    unit_label => "单位", "unit";
    every_ticket => "所有工单", "Every ticket";
    policy_calendar => "工作日历", "Calendar";
    project_calendar => "按项目的日历", "The project's calendar";
    edit_policy => "编辑服务时限", "Edit the policy";
    new_policy => "新增服务时限", "New policy";
    policies_hint => "每个时限取最具体的适用标准：项目 > 紧急程度 > 分类 > 类型 > 服务等级。修改后未完结工单的截止时间随之更新。", "Each clock takes the most specific matching policy: project, then urgency, category, kind, service tier. Open tickets' deadlines follow a change.";
    applies_to => "适用于", "Applies to";
    targets_label => "时限", "Targets";
    targets_hint => "（留空即不设）", "(empty: not set)";
    warnings_label => "预警点", "Warnings";
    warnings_hint => "预警点（时限的百分比，如 50,80）", "Warnings (percent of the target, e.g. 50,80)";
    monday => "周一", "Monday";
    tuesday => "周二", "Tuesday";
    wednesday => "周三", "Wednesday";
    thursday => "周四", "Thursday";
    friday => "周五", "Friday";
    saturday => "周六", "Saturday";
    sunday => "周日", "Sunday";
    closed_all_week => "全周休息", "Closed all week";
    weekly_hours => "工作时间", "Business hours";
    new_calendar => "新建日历", "New calendar";
    new_calendar_hint => "新日历默认周一至周五 09:00-18:00，创建后可修改并添加节假日。", "A new calendar starts with Monday to Friday 09:00-18:00; change it and add holidays once created.";
    dated_exceptions => "节假日与调休", "Holidays and make-up days";
    day_kind => "类型", "Kind";
    workday => "上班", "Workday";
    day_off => "休息", "Day off";
    remove => "删除", "Remove";
    add_exception => "添加节假日或调休", "Add a holiday or make-up day";
    exception_name => "名称（如 春节、国庆调休上班）", "Name (e.g. Spring Festival)";
    exception_hours => "上班时间（上班日可填，如 09:00-12:00；留空即标准工作时间）", "Hours on a workday (e.g. 09:00-12:00; empty: the standard hours)";
    hours_hint => "每天填写时段，如 09:00-12:00, 13:00-18:00；留空即休息。", "Spans per day, e.g. 09:00-12:00, 13:00-18:00; empty is a day off.";
    import_exceptions => "导入节假日", "Import holidays";
    import_exceptions_hint => "CSV（date,is_workday,name,hours）或 iCalendar (.ics) 文件；文件有误时不会导入任何内容。", "A CSV (date,is_workday,name,hours) or iCalendar (.ics) file; nothing is imported from a file with a mistake.";
    exceptions_file => "文件（.csv 或 .ics）", "File (.csv or .ics)";
    replace_exceptions => "替换现有的节假日", "Replace the existing days";
    roster => "排班", "Duty roster";
    roster_hint => "自动派单只派给在岗人员；节假日和请假在右侧添加。", "Automatic dispatch only picks those on duty; add leave and holiday duty on the right.";
    no_roster => "尚未排班：此人全天在岗。保存工作时间或添加一天即开始排班。", "No roster yet: always on duty. Save duty hours or add a day to start one.";
    roster_days => "请假与调班", "Leave and swapped shifts";
    add_roster_day => "添加请假或调班", "Add leave or a swapped shift";
    roster_day_name => "事由（如 年假、替班）", "Reason (e.g. annual leave, covering)";
    roster_day_hours => "在岗时间（在岗时可填，如 20:00-24:00；留空即全天）", "Hours on duty (e.g. 20:00-24:00; empty: the whole day)";
    duty_hours => "每周在岗时间", "Weekly duty hours";
    duty_hours_hint => "每天填写时段，如 08:00-12:00, 13:00-17:00；夜班分两段填，如 20:00-24:00 和次日 00:00-08:00；留空即休息。", "Spans per day, e.g. 08:00-12:00, 13:00-17:00; a night shift is two spans (20:00-24:00, then 00:00-08:00 the next day); empty is a day off.";
    company_calendar => "公司默认日历", "The company's default calendar";
    project_calendar_title => "服务时限按此日历计时", "SLA clocks count on";
    person_name => "姓名", "Full name";
    save_changes => "保存修改", "Save changes";
    edit_project => "修改项目信息", "Edit the project";
    edit_building => "修改楼栋", "Edit the building";
    edit_room => "修改房屋信息", "Edit the room";
    edit_staff => "修改员工信息", "Edit the staff member";
    edit_resident => "修改住户信息", "Edit the resident";
    delete => "删除", "Delete";
    delete_confirm => "确认删除", "Yes, delete";
    delete_project_hint => "只能删除还没有楼栋、员工、班组和工单的项目，删除后不能恢复。", "Only a project without buildings, staff, teams or tickets can be deleted; this cannot be undone.";
    delete_building_hint => "只能删除没有房屋、也未划入网格的楼栋，删除后不能恢复。", "Only a building without rooms that no grid names can be deleted; this cannot be undone.";
    delete_room_hint => "只能删除没有住户和工单的房屋，删除后不能恢复。", "Only a room without residents or tickets can be deleted; this cannot be undone.";
    delete_staff_hint => "有工单记录的员工不能删除，请改为停用。", "Staff with ticket history cannot be deleted: deactivate them instead.";
    delete_resident_hint => "报过事的住户不能删除。", "A resident who has reported anything cannot be deleted.";
    reset_password => "重置密码", "Reset the password";
    new_password => "新密码", "New password";
    reset_password_hint => "保存后此人所有已登录的设备立即退出，需用新密码重新登录。", "Every session of the account ends at once; they sign in again with the new password.";
    done_saved => "已保存。", "Saved.";
    done_deleted => "已删除。", "Deleted.";
    done_password => "密码已重置，此人已在所有设备上退出。", "Password reset: every session of the account has ended.";
    room_without_residents => "还没有登记住户。", "has nobody registered yet.";
    setup_first => "先完成基础设置", "Set up first";
    setup_first_hint => "还没有任何项目。按以下顺序设置后，即可开始受理工单：", "There are no projects yet. Set these up, in this order, to start taking tickets:";
    setup_project => "新建项目", "Create a project";
    setup_places => "在项目中添加楼栋和房屋", "Add its buildings and rooms";
    setup_residents => "导入住户（Excel）", "Import the residents (Excel)";
    setup_staff => "添加员工并分配项目", "Add staff and give them projects";
    counts_on => "计时日历", "Counts on";
    open_late => "未结束已超时", "Open and late";
    tell_resident => "告知住户", "Tell the resident";
    tell_resident_hint => "不勾选时，这段文字仅员工可见。", "Unticked, these words stay with staff.";
    work_done_required => "处理情况（必填，业主评价前会看到完工记录）", "What was done (required)";
    work_confirm => "我已完成现场工作，确认完工（提交后将请业主评价）", "The work on site is done: finish the job (the resident is then asked to rate it)";
    materials_used => "使用材料", "Materials used";
    work_min_photos => "本类工单完工前需上传的现场照片（张）：", "Photos of the work this category needs before the finish:";
    h5_cancel_title => "取消报事", "Cancel this request";
    h5_cancel_hint => "师傅上门前可以取消。请说明原因。", "You can cancel until the work starts. Please say why.";
    h5_cancel_reason => "取消原因", "Why cancel";
    h5_cancel_submit => "确认取消", "Cancel the request";
    h5_add_info_title => "追加说明", "Add information";
    h5_add_info_hint => "补充的说明物业和师傅都能看到。", "The property office and the technician see what you add.";
    h5_add_info_submit => "提交说明", "Add it";
    h5_chase_title => "催一下", "Chase it";
    h5_chase_hint => "催单会提醒负责的客服和师傅，每小时可催一次。", "A chase reminds the agent and the technician; once an hour.";
    h5_chase_submit => "催单", "Chase";
    h5_expect_response => "预计响应时间", "Expected response by";
    h5_expect_arrival => "预计上门时间", "Technician expected by";
    h5_expect_done => "预计完成时间", "Expected done by";
    h5_your_rating => "您的评价", "Your rating";
    h5_rated_thanks => "感谢您的评价。", "Thank you for your rating.";
    colon => "：", ": ";
    notifications => "通知", "Notifications";
    unread_count => "条未读", "unread";
    mark_all_read => "全部标为已读", "Mark all read";
    no_notifications => "没有通知。", "No notifications.";
    all_notifications => "查看全部通知", "All notifications";
    mine => "我的", "Mine";
    new_job => "新派单", "New job";
    skill => "技能", "Skill";
    no_skill => "无此技能", "no such skill";
    in_grid => "本网格", "in the grid";
    outside_grid => "不在网格", "outside the grid";
    at_capacity => "工单已满", "at capacity";
    nav_butler => "我的住户", "My households";
    household_title => "住户档案", "Household";
    household_members => "成员", "Members";
    household_name => "姓名", "Name";
    household_role => "身份", "Role";
    household_phone => "电话", "Phone";
    household_channel => "首选渠道", "Preferred channel";
    household_tags => "标签", "Tags";
    household_sensitive => "敏感", "sensitive";
    household_consent => "已征得本人同意", "consent recorded";
    household_tier => "服务等级", "Tier";
    household_butler => "管家", "Butler";
    household_no_butler => "未指定管家", "No butler";
    household_butler_by_building => "楼栋管家", "the building's butler";
    household_butler_by_hand => "单独指定", "set by hand";
    household_dates => "重要日期", "Important dates";
    household_date_kind => "类型", "Kind";
    household_date => "日期", "Date";
    household_date_member => "成员", "Member";
    household_date_label => "说明", "Note";
    household_whole => "全户", "Whole household";
    household_preferences => "联系偏好", "Preferences";
    household_call_not_before => "勿早于此时间致电", "Do not call before";
    household_any_time => "任何时间", "Any time";
    household_save => "保存", "Save";
    household_saved => "已保存。", "Saved.";
    household_history => "服务记录", "History";
    household_history_none => "暂无记录。", "Nothing yet.";
    household_history_more => "更早的记录", "Older entries";
    household_score => "评分", "Score";
    household_acknowledged => "已确认", "acknowledged";
    butler_title => "我的住户", "My households";
    butler_none => "还没有由您负责的住户。", "No households are yours yet.";
    butler_follow_ups => "待回访", "Follow-ups due";
    butler_notices => "未确认的重要公告", "Critical notices not acknowledged";
    butler_dates_today => "今天的重要日期", "Important dates today";
    butler_all_quiet => "今天没有待办。", "Nothing for today.";
    butler_attention => "今天需关注", "Needs attention today";
    butler_households => "户", "households";
    nav_inspection => "质检", "Inspection";
    inspection_title => "质检", "Quality inspection";
    inspection_mine => "我的质检结果", "My inspection results";
    inspection_queue => "质检队列", "Inspection queue";
    inspection_none => "没有符合条件的质检。", "No inspections match.";
    inspection_person => "被检人", "Inspected";
    inspection_week => "抽检周", "Week";
    inspection_reason => "抽检原因", "Why sampled";
    inspection_score => "得分", "Score";
    inspection_sheet => "评分表", "Score sheet";
    inspection_item => "评分项", "Item";
    inspection_weight => "权重", "Weight";
    inspection_note => "说明", "Note";
    inspection_red_lines => "红线（触犯即整单 0 分）", "Red lines (any one hit scores 0)";
    inspection_red_lines_hit => "触犯红线", "Red lines hit";
    inspection_comment => "质检评语", "Inspector's comment";
    inspection_save_score => "保存评分", "Save score";
    inspection_scored => "评分已保存，被检人可查看并申诉一次。", "Score saved: the person inspected sees it and may appeal once.";
    inspection_no_sheet => "还没有启用的评分表，请经理先建立评分表。", "No active score sheet yet: a manager sets one up first.";
    inspection_appeal => "申诉", "Appeal";
    inspection_appeal_reason => "申诉理由", "Why the score is wrong";
    inspection_appeal_send => "提交申诉（仅一次）", "Appeal (once only)";
    inspection_appealed => "申诉已提交，等待主管裁定。", "Appeal sent: a supervisor decides.";
    inspection_decide => "裁定申诉", "Decide the appeal";
    inspection_uphold => "维持原分", "Uphold the score";
    inspection_overturn => "改判为新分数", "Overturn with a new score";
    inspection_new_score => "新分数（0–100）", "New score (0–100)";
    inspection_decision_comment => "裁定理由", "Reason for the decision";
    inspection_decide_send => "提交裁定", "Decide";
    inspection_decided => "裁定已保存。", "Decision saved.";
    inspection_decision => "裁定", "Decision";
    inspection_inspector_score => "原评分", "Inspector's score";
    inspection_scores => "质检得分趋势（按人、按周）", "Scores by person and week";
    inspection_scores_team => "质检得分趋势（按班组、按周）", "Scores by team and week";
    inspection_count => "质检数", "Inspections";
    inspection_average => "平均分", "Average";
    inspection_ticket => "被检工单", "Ticket inspected";
    nav_scorecards => "考核", "Scorecards";
    scorecard_title => "月度考核", "Monthly scorecards";
    scorecard_mine => "我的月度考核", "My monthly scorecard";
    scorecard_month => "月份", "Month";
    scorecard_show => "查看", "Show";
    scorecard_locked => "已锁定", "Locked";
    scorecard_open => "未锁定（实时计算）", "Open (computed live)";
    scorecard_rank => "排名", "Rank";
    scorecard_name => "考核对象", "Assessed";
    scorecard_total => "总分", "Total";
    scorecard_none => "本月没有考核对象。", "Nobody to score this month.";
    scorecard_card => "考核明细", "Scorecard";
    scorecard_measure => "指标", "Measure";
    scorecard_value => "实际值", "Value";
    scorecard_target => "目标", "Target";
    scorecard_weight => "权重", "Weight";
    scorecard_points => "得分", "Points";
    scorecard_unmeasured => "无数据（不计入）", "Nothing to measure (left out)";
    scorecard_scheme => "考核方案（权重合计 100）", "Scheme (weights sum to 100)";
    scorecard_scheme_hint => "权重为 0 的指标不参与考核；投诉类指标的目标是允许的上限。", "A measure weighted 0 is left out; for complaints the target is the most allowed.";
    scorecard_scheme_save => "保存方案", "Save scheme";
    scorecard_scheme_saved => "考核方案已保存，本月及以后未锁定的月份按新方案计算。", "Scheme saved: open months are scored on it now.";
    training_title => "培训与上岗证", "Training and certificates";
    nav_training => "培训", "Training";
    training_required => "必修课程", "Required courses";
    training_none_required => "您的岗位暂无必修课程。", "No course is required for your role.";
    training_course => "课程", "Course";
    training_courses => "全部课程", "All courses";
    training_lessons => "节课", "lessons";
    training_due_at => "截止", "Due";
    training_valid_until => "有效期至", "Valid until";
    training_due => "待完成", "Due";
    training_overdue => "已逾期", "Overdue";
    training_certified => "已持证", "Certified";
    training_expired => "证书过期", "Expired";
    training_certificates => "我的上岗证", "Certificates";
    training_score => "得分", "Score";
    training_issued_at => "发证日期", "Issued";
    training_mentor => "我的导师", "Mentor";
    training_mentee => "带教新人", "Mentee";
    training_tick => "完成", "Done";
    training_untick => "撤销", "Undo";
    training_ticked => "带教清单已更新。", "Checklist updated.";
    training_overdue_list => "逾期未完成培训", "Overdue training";
    training_none_overdue => "没有逾期人员。", "Nobody is overdue.";
    training_project => "项目", "Project";
    training_show => "查看", "Show";
    training_person => "员工", "Staff member";
    training_role => "岗位", "Role";
    training_since => "逾期起", "Overdue since";
    training_lesson_missing => "该课节引用的文章或话术已不可用。", "The article or script of this lesson is no longer available.";
    training_exam => "考试", "Exam";
    training_questions => "道题", "questions";
    training_pass_mark => "及格分", "Pass mark";
    training_max_attempts => "可考次数", "Attempts allowed";
    training_start => "开始考试", "Start the exam";
    training_attempt => "第几次", "Attempt";
    training_attempts_left_after => "本次之后剩余次数", "Attempts left after this one";
    training_single => "单选", "single choice";
    training_multiple => "多选", "multiple choice";
    training_submit => "交卷", "Submit";
    training_passed => "考试通过", "Passed";
    training_failed => "未通过", "Not passed";
    training_certificate_issued => "已发放上岗证，", "Certificate issued,";
    training_attempts_left => "剩余考试次数", "Attempts left";
    training_retry => "再考一次", "Try again";
    training_review => "复习课程", "Review the course";
    training_back => "返回培训", "Back to training";
    training_mentor_saved => "导师与带教清单已保存。", "Mentor and checklist saved.";
    training_assign_mentor => "指定导师", "Assign a mentor";
    training_checklist_lines => "带教清单（每行：入职第几天 事项）", "Checklist (one a line: day after starting, then the item)";
    training_assign => "保存导师", "Save mentor";
    training_manage => "课程与必修管理", "Courses and requirements";
    training_saved => "课程已保存。", "Course saved.";
    training_requirements_saved => "必修要求已保存。", "Requirements saved.";
    training_new_course => "新建课程", "New course";
    training_edit_course => "编辑课程", "Edit course";
    training_description => "简介", "Description";
    training_course_title => "课程名称", "Course title";
    training_certificate_months => "证书有效月数", "Certificate lasts (months)";
    training_lessons_json => "课节（JSON：文章 article_id、话术 script_id 或正文 body）", "Lessons (JSON: an article_id, a script_id or a body)";
    training_questions_json => "题库（JSON：single/multiple、选项、正确选项序号）", "Questions (JSON: single/multiple, options, the correct places)";
    training_save_course => "保存课程", "Save course";
    training_requirements => "各岗位必修课程", "Required courses per role";
    training_due_days => "入职后天数", "Days after starting";
    training_add => "添加", "Add";
    training_remove => "移除", "Remove";
}

/// The labels of `lang`.
pub fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// Chooses the translation of one vocabulary entry.
fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

pub fn status(lang: Lang, status: Status) -> &'static str {
    let (zh, en) = match status {
        Status::New => ("待受理", "New"),
        Status::Accepted => ("已受理", "Accepted"),
        Status::Dispatched => ("已派单", "Dispatched"),
        Status::InProgress => ("处理中", "In progress"),
        // The same words in both languages: resolved work waits for its follow-up call.
        Status::Resolved => ("待回访", "Awaiting follow-up"),
        Status::Closed => ("已关闭", "Closed"),
        Status::Suspended => ("已挂起", "Suspended"),
        Status::Reopened => ("整改中", "Under rectification"),
        Status::Cancelled => ("已取消", "Cancelled"),
    };
    pick(lang, zh, en)
}

pub fn situation(lang: Lang, situation: Situation) -> &'static str {
    let (zh, en) = match situation {
        Situation::Greeting => ("问候", "Greeting"),
        Situation::Apology => ("致歉", "Apology"),
        Situation::Delay => ("延误说明", "Explaining a delay"),
        Situation::Refusal => ("婉拒", "Refusing politely"),
        Situation::Closing => ("结束语", "Closing"),
        Situation::ComplaintListen => ("投诉处理·倾听", "Complaint: listening"),
        Situation::ComplaintAsk => ("投诉处理·询问", "Complaint: asking"),
        Situation::ComplaintResolve => ("投诉处理·解决", "Complaint: resolving"),
    };
    pick(lang, zh, en)
}

pub fn kind(lang: Lang, kind: Kind) -> &'static str {
    let (zh, en) = kind.labels();
    pick(lang, zh, en)
}

pub fn urgency(lang: Lang, urgency: Urgency) -> &'static str {
    let (zh, en) = match urgency {
        Urgency::Emergency => ("紧急", "Emergency"),
        Urgency::Urgent => ("加急", "Urgent"),
        Urgency::Normal => ("一般", "Normal"),
    };
    pick(lang, zh, en)
}

/// Where a conversation stands, as the inbox shows it.
/// The bot's note when it hands a conversation to a person, as the resident reads it.
pub fn bot_note(lang: Lang, reason: Handoff) -> &'static str {
    match (lang, reason) {
        (Lang::Zh, Handoff::Repair) => {
            "已为您转人工客服，请稍候。工作人员可直接为您登记报修工单，并安排师傅上门。"
        }
        (Lang::En, Handoff::Repair) => {
            "We've passed you to a person; please wait a moment. Staff can open a repair ticket for you and send a technician."
        }
        (Lang::Zh, Handoff::Emergency) => {
            "已为您紧急转人工客服，请稍候。如有危险，请先离开现场并拨打 119 或 110。"
        }
        (Lang::En, Handoff::Emergency) => {
            "This is urgent: we've passed you to a person. If you are in danger, leave first and call 119 or 110."
        }
        (Lang::Zh, Handoff::NotKnown) => "这个问题我暂时答不上来，已为您转人工客服，请稍候。",
        (Lang::En, Handoff::NotKnown) => {
            "I can't answer that one; we've passed you to a person. Please wait a moment."
        }
        (Lang::Zh, Handoff::AskedForPerson | Handoff::Complaint | Handoff::NotHelpful) => {
            "已为您转人工客服，请稍候。"
        }
        (Lang::En, Handoff::AskedForPerson | Handoff::Complaint | Handoff::NotHelpful) => {
            "We've passed you to a person; please wait a moment."
        }
    }
}

pub fn conversation_state(lang: Lang, state: ConversationState) -> &'static str {
    let t = labels(lang);
    match state {
        ConversationState::Open => t.inbox_state_open,
        ConversationState::Waiting => t.inbox_state_waiting,
        ConversationState::Closed => t.inbox_state_closed,
    }
}

pub fn channel(lang: Lang, channel: Channel) -> &'static str {
    let (zh, en) = match channel {
        Channel::App => ("App", "App"),
        Channel::Wechat => ("微信", "WeChat"),
        Channel::Phone => ("电话", "Phone"),
        Channel::FrontDesk => ("前台", "Front desk"),
        Channel::Email => ("邮件", "Email"),
        Channel::Hotline12345 => ("12345转办", "12345 hotline"),
        Channel::Iot => ("物联网告警", "IoT alarm"),
        Channel::Web => ("网页", "Web"),
    };
    pick(lang, zh, en)
}

/// A group of a breakdown of the figures, named in `lang`.
pub fn group_name(lang: Lang, name: &GroupName) -> String {
    match name {
        GroupName::Given(name) => name.clone(),
        GroupName::Label { zh, en } => match lang {
            Lang::Zh => zh.clone(),
            Lang::En => en.clone(),
        },
        GroupName::Channel(c) => channel(lang, *c).to_owned(),
        GroupName::Unset => labels(lang).group_unset.to_owned(),
    }
}

pub fn breakdown(lang: Lang, by: Breakdown) -> &'static str {
    let (zh, en) = match by {
        Breakdown::Project => ("项目", "Project"),
        Breakdown::Grid => ("网格", "Grid"),
        Breakdown::Team => ("班组", "Team"),
        Breakdown::Agent => ("客服", "Agent"),
        Breakdown::Technician => ("维修工", "Technician"),
        Breakdown::FirstContactOwner => ("首问负责人", "First-contact owner"),
        Breakdown::Category => ("分类", "Category"),
        Breakdown::Channel => ("渠道", "Channel"),
    };
    pick(lang, zh, en)
}

pub fn action(lang: Lang, action: ActionName) -> &'static str {
    let (zh, en) = match action {
        ActionName::Respond => ("回复业主", "Respond"),
        ActionName::Accept => ("受理", "Accept"),
        ActionName::Dispatch => ("派单", "Dispatch"),
        ActionName::Arrive => ("到场", "Arrived"),
        ActionName::Resolve => ("完成", "Resolve"),
        ActionName::FollowUp => ("回访", "Follow up"),
        ActionName::Close => ("关闭", "Close"),
        ActionName::Reopen => ("重新打开", "Reopen"),
        ActionName::Suspend => ("挂起", "Suspend"),
        ActionName::Resume => ("恢复", "Resume"),
        ActionName::Escalate => ("升级", "Escalate"),
        ActionName::Cancel => ("取消工单", "Cancel"),
        ActionName::Comment => ("备注", "Comment"),
        ActionName::LinkDuplicate => ("标记重复", "Mark duplicate"),
        ActionName::UnlinkDuplicate => ("取消重复", "Not a duplicate"),
        ActionName::CloseUnreachable => ("联系不上，关闭", "Close: unreachable"),
        ActionName::Review => ("评审建议", "Review suggestion"),
        ActionName::Transfer => ("转单", "Transfer"),
        ActionName::Return => ("退单", "Return job"),
        ActionName::Grab => ("抢单", "Grab job"),
        ActionName::ConfirmCharges => ("业主确认收费", "Resident confirms the bill"),
        ActionName::Reclassify => ("改分类", "Reclassify"),
        ActionName::Chase => ("催单", "Chase"),
    };
    pick(lang, zh, en)
}

/// What a photo upload takes, all of it: how many at once and per request, which formats, how large.
pub fn photo_limits(lang: Lang, at_once: usize, per_ticket: u64, max_mib: usize) -> String {
    match lang {
        Lang::Zh => format!(
            "每次最多 {at_once} 张，每单共 {per_ticket} 张；支持 JPEG、PNG、WebP 格式，单张不超过 {max_mib} MB。"
        ),
        Lang::En => format!(
            "Up to {at_once} photos at once and {per_ticket} per request; JPEG, PNG or WebP, {max_mib} MB each."
        ),
    }
}

/// A step of the work in a resident's words (see `ResidentStep`).
pub fn resident_step(lang: Lang, step: ResidentStep) -> &'static str {
    use ResidentStep as R;
    let (zh, en) = match step {
        R::Submitted => ("已提交", "Submitted"),
        R::Received => ("已受理", "Received"),
        R::Arranging => ("正在安排师傅", "Finding a technician"),
        R::TechnicianAccepted => ("师傅已接单", "Technician assigned"),
        R::TechnicianArrived => ("师傅已到场", "Technician on site"),
        R::Paused => ("暂停处理", "On hold"),
        R::Resumed => ("继续处理", "Work resumed"),
        R::Done => ("已完成", "Done"),
        R::PleaseRate => ("请评价", "Please rate"),
        R::Rated => ("已评价", "Rated"),
        R::Redoing => ("重新处理", "Being redone"),
        R::Closed => ("已办结", "Closed"),
        R::Cancelled => ("已取消", "Cancelled"),
        R::Reply => ("物业回复", "Reply from the office"),
        R::AddedInformation => ("追加说明", "Information added"),
        R::Chased => ("已催单", "Chased"),
        R::Photo => ("照片", "Photo"),
        R::Bill => ("费用确认", "Bill answered"),
        R::Update => ("进展更新", "Update"),
    };
    pick(lang, zh, en)
}

/// Timeline entries that are not actions: creation and the scheduler's warnings and escalations.
pub fn event(lang: Lang, code: &str) -> &'static str {
    if let Ok(action) = code.parse::<ActionName>() {
        return self::action(lang, action);
    }
    let (zh, en) = match code {
        "create" => ("登记", "Logged"),
        "sla_warning" => ("时限预警", "SLA warning"),
        "sla_escalation" => ("超时升级", "SLA escalation"),
        "escalation_risk" => ("风险升级", "Risk escalation"),
        "photo" => ("上传照片", "Photo added"),
        "dispatch_offered" => ("抢单邀请", "Offered to grab"),
        "dispatch_queued" => ("待派单", "Queued for dispatch"),
        "subtask_created" => ("协办任务", "Sub-task added"),
        "subtask_done" => ("协办完成", "Sub-task done"),
        "checklist_ticked" => ("完成检查项", "Checklist step done"),
        "checklist_unticked" => ("撤销检查项", "Checklist step undone"),
        "credit_praise" => ("表扬记功", "Praise credited"),
        "original_progress" => ("原工单进展", "Original ticket's progress"),
        "join_incident" => ("归入事件", "Joined an incident"),
        "hotline_update" => ("12345平台更新工单", "12345 platform updated the order"),
        "hotline_reply" => ("填写办理结果", "Handling result written"),
        "iot_alarm" => ("设备告警", "Device alarm"),
        "iot_recovered" => ("设备恢复", "Device recovered"),
        "conversation_message" => ("会话消息", "Conversation message"),
        _ => ("其他", "Other"),
    };
    pick(lang, zh, en)
}

/// What a device reported, for its timeline entry: 烟雾报警（设备 SD-001）.
pub fn device_alarm(lang: Lang, alarm_type: AlarmType, device_id: &str) -> String {
    let (zh, en) = alarm_type.labels();
    match lang {
        Lang::Zh => format!("{zh}（设备 {device_id}）"),
        Lang::En => format!("{en} (device {device_id})"),
    }
}

/// Whether a device's alarm began or ended.
pub fn alarm_state(lang: Lang, state: &str) -> &'static str {
    match state.parse::<AlarmState>() {
        Ok(AlarmState::Alarm) => pick(lang, "告警", "Alarm"),
        Ok(AlarmState::Recovered) => pick(lang, "恢复", "Recovered"),
        Err(_) => pick(lang, "其他", "Other"),
    }
}

/// What receiving an alarm did.
pub fn alarm_outcome(lang: Lang, outcome: &str) -> &'static str {
    let (zh, en) = match outcome.parse::<AlarmOutcome>() {
        Ok(AlarmOutcome::Opened) => ("新建工单", "Opened a ticket"),
        Ok(AlarmOutcome::Joined) => ("并入未结工单", "Joined the open ticket"),
        Ok(AlarmOutcome::Noted) => ("记入工单", "Noted on the ticket"),
        Ok(AlarmOutcome::Resolved) => ("恢复并办结工单", "Resolved the ticket"),
        Ok(AlarmOutcome::Unmatched) => ("无对应工单", "No ticket to go to"),
        Ok(AlarmOutcome::Repeated) => ("重复上报", "Sent again"),
        Err(_) => ("其他", "Other"),
    };
    pick(lang, zh, en)
}

/// Why the scheduler closed a resolved ticket.
pub fn auto_closed(lang: Lang) -> &'static str {
    pick(
        lang,
        "回访期内未评价，系统自动关闭",
        "Not rated within the follow-up period: closed automatically",
    )
}

/// A channel a message left by.
pub fn announcement_category(lang: Lang, category: AnnouncementCategory) -> &'static str {
    use AnnouncementCategory as C;
    let (zh, en) = match category {
        C::Outage => ("停水停电", "Water or power cut"),
        C::Works => ("维修施工", "Works"),
        C::Billing => ("缴费提醒", "Payment reminder"),
        C::Event => ("社区活动", "Community event"),
        C::Safety => ("安全提示", "Safety"),
        C::Other => ("其他", "Other"),
    };
    pick(lang, zh, en)
}

pub fn room_kind(lang: Lang, kind: RoomKind) -> &'static str {
    let (zh, en) = match kind {
        RoomKind::Residential => ("住宅", "Homes"),
        RoomKind::Shop => ("商铺", "Shops"),
        RoomKind::Office => ("写字楼", "Offices"),
        RoomKind::Parking => ("车位", "Parking"),
    };
    pick(lang, zh, en)
}

pub fn tier(lang: Lang, tier: ServiceTier) -> &'static str {
    match tier {
        ServiceTier::Basic => pick(lang, "标准", "Basic"),
        ServiceTier::Premium => pick(lang, "尊享", "Premium"),
    }
}

pub fn announcement_state(lang: Lang, state: AnnouncementState) -> &'static str {
    let (zh, en) = match state {
        AnnouncementState::Scheduled => ("待发送", "Scheduled"),
        AnnouncementState::Sent => ("已发送", "Sent"),
        AnnouncementState::Withdrawn => ("已撤回", "Withdrawn"),
    };
    pick(lang, zh, en)
}

pub fn important_date_kind(lang: Lang, kind: ImportantDateKind) -> &'static str {
    match kind {
        ImportantDateKind::Birthday => pick(lang, "生日", "Birthday"),
        ImportantDateKind::MoveIn => pick(lang, "入住纪念日", "Move-in anniversary"),
        ImportantDateKind::Other => pick(lang, "其他", "Other"),
    }
}

pub fn history_kind(lang: Lang, kind: HistoryKind) -> &'static str {
    match kind {
        HistoryKind::Ticket => pick(lang, "工单", "Ticket"),
        HistoryKind::Conversation => pick(lang, "会话", "Conversation"),
        HistoryKind::Rating => pick(lang, "评价", "Rating"),
        HistoryKind::Announcement => pick(lang, "公告", "Announcement"),
    }
}

pub fn preferred_channel(lang: Lang, channel: PreferredChannel) -> &'static str {
    match channel {
        PreferredChannel::Sms => pick(lang, "短信", "SMS"),
        PreferredChannel::Wechat => pick(lang, "微信", "WeChat"),
    }
}

pub fn delivery_channel(lang: Lang, channel: DeliveryChannel) -> &'static str {
    let (zh, en) = match channel {
        DeliveryChannel::Sms => ("短信", "SMS"),
        DeliveryChannel::Wechat => ("微信", "WeChat"),
        DeliveryChannel::Wecom => ("企业微信群", "WeCom group"),
        DeliveryChannel::Email => ("邮件", "E-mail"),
    };
    pick(lang, zh, en)
}

/// Where one message on one channel stands.
pub fn delivery_state(lang: Lang, state: DeliveryState) -> &'static str {
    let (zh, en) = match state {
        DeliveryState::Pending => ("待发送", "waiting"),
        DeliveryState::Sending => ("发送中", "sending"),
        DeliveryState::Sent => ("已送达", "sent"),
        DeliveryState::Failed => ("发送失败", "failed"),
        DeliveryState::Skipped => ("未发送", "not sent"),
    };
    pick(lang, zh, en)
}

/// A delivery row's channel and state as stored, in words (a code this build does not know is
/// shown as stored rather than hidden).
pub fn delivery_stored<'a>(lang: Lang, channel: &'a str, state: &'a str) -> (&'a str, &'a str) {
    (
        channel
            .parse()
            .map_or(channel, |c| delivery_channel(lang, c)),
        state.parse().map_or(state, |s| delivery_state(lang, s)),
    )
}

pub fn clock(lang: Lang, clock: ClockName) -> &'static str {
    let (zh, en) = match clock {
        ClockName::FirstResponse => ("首次响应", "First response"),
        ClockName::Arrival => ("到场", "Arrival"),
        ClockName::Resolution => ("解决", "Resolution"),
        ClockName::FollowUp => ("回访", "Follow-up"),
        ClockName::Rectification => ("整改", "Rectification"),
        ClockName::HotlineAccept => ("12345签收", "12345 sign-for"),
        ClockName::HotlineFinish => ("12345办结", "12345 answer"),
    };
    pick(lang, zh, en)
}

pub fn clock_state(lang: Lang, state: ClockState) -> &'static str {
    let (zh, en) = match state {
        ClockState::Running => ("计时中", "Running"),
        ClockState::Paused => ("已暂停", "Paused"),
        ClockState::Met => ("已达成", "Met"),
        ClockState::Breached => ("已超时", "Breached"),
    };
    pick(lang, zh, en)
}

pub fn role(lang: Lang, role: Role) -> &'static str {
    let (zh, en) = match role {
        Role::Admin => ("管理员", "Admin"),
        Role::Manager => ("经理", "Manager"),
        Role::Supervisor => ("主管", "Supervisor"),
        Role::Agent => ("客服", "Agent"),
        Role::Butler => ("管家", "Butler"),
        Role::Technician => ("维修工", "Technician"),
        Role::Resident => ("业主", "Resident"),
    };
    pick(lang, zh, en)
}

pub fn inspection_item(lang: Lang, kind: ItemKind) -> &'static str {
    let (zh, en) = match kind {
        ItemKind::OpeningWords => ("开场白", "Opening words"),
        ItemKind::Ownership => ("首问负责", "Ownership"),
        ItemKind::ScriptUsed => ("使用标准话术", "Script used"),
        ItemKind::CorrectCategory => ("分类准确", "Correct category"),
        ItemKind::PromiseKept => ("承诺兑现", "Promise kept"),
        ItemKind::FollowUpDone => ("按时回访", "Follow-up done"),
        ItemKind::Attitude => ("服务态度", "Attitude"),
        ItemKind::Custom => ("自定义项", "Custom item"),
    };
    pick(lang, zh, en)
}

/// A scorecard measure's name; an SLA clock's is the clock's.
pub fn measure(lang: Lang, measure: Measure) -> String {
    let (zh, en) = match measure {
        Measure::Volume => ("处理量", "Volume"),
        Measure::SlaMet(c) => {
            return match lang {
                Lang::Zh => format!("时限达成率·{}", clock(lang, c)),
                Lang::En => format!("SLA met: {}", clock(lang, c)),
            };
        }
        Measure::FirstResponse => ("首次响应及时率", "First response in time"),
        Measure::OneTimeResolution => ("一次性解决率", "One-time resolution"),
        Measure::Satisfaction => ("满意度", "Satisfaction"),
        Measure::Complaints => ("差评投诉", "Complaints"),
        Measure::Praise => ("表扬", "Praise"),
        Measure::Quality => ("质检得分", "Quality score"),
    };
    pick(lang, zh, en).to_owned()
}

/// The role a scheme scores.
pub fn scorecard_role(lang: Lang, subject: Subject) -> &'static str {
    let (zh, en) = match subject {
        Subject::Agent => ("客服", "Agents"),
        Subject::Butler => ("管家", "Butlers"),
        Subject::Technician => ("维修工", "Technicians"),
        Subject::Team => ("班组", "Teams"),
    };
    pick(lang, zh, en)
}

pub fn inspection_state(lang: Lang, state: InspectionState) -> &'static str {
    let (zh, en) = match state {
        InspectionState::Pending => ("待质检", "To score"),
        InspectionState::Scored => ("已评分", "Scored"),
        InspectionState::Appealed => ("申诉中", "Appealed"),
        InspectionState::Upheld => ("维持原分", "Upheld"),
        InspectionState::Overturned => ("已改判", "Overturned"),
    };
    pick(lang, zh, en)
}

pub fn sample_reason(lang: Lang, reason: SampleReason) -> &'static str {
    let (zh, en) = match reason {
        SampleReason::Share => ("按比例抽检", "Weekly share"),
        SampleReason::LowRatedComplaint => ("投诉低评分", "Low-rated complaint"),
        SampleReason::SlaBreached => ("超时工单", "SLA breached"),
    };
    pick(lang, zh, en)
}

/// A resident's place in a household: owner, family, tenant, merchant, company contact.
pub fn resident_role(lang: Lang, code: &str) -> &'static str {
    let (zh, en) = match code {
        "owner" => ("业主", "Owner"),
        "family" => ("家属", "Family"),
        "tenant" => ("租户", "Tenant"),
        "merchant" => ("商户", "Merchant"),
        "company_contact" => ("企业联系人", "Company contact"),
        _ => ("住户", "Resident"),
    };
    pick(lang, zh, en)
}

/// The name of an input field in error messages; unknown fields show their code.
pub fn field(lang: Lang, field: &str) -> String {
    let (zh, en) = match field {
        "project_id" => ("项目", "Project"),
        "description" => ("问题描述", "Description"),
        "kind" => ("类型", "Kind"),
        "category" => ("分类", "Category"),
        "urgency" => ("紧急程度", "Urgency"),
        "room_id" => ("房号", "Room"),
        "resident_id" => ("报事住户", "Resident"),
        "contact.phone" | "phone" => ("电话", "Phone"),
        "contact.name" => ("联系人姓名", "Contact name"),
        "assignee_id" => ("处理人", "Assignee"),
        "team_id" => ("班组", "Team"),
        "satisfaction" => ("满意度", "Satisfaction"),
        "reason" | "body" | "note" | "comment" => ("内容", "Text"),
        "sheet_id" => ("评分表", "Score sheet"),
        "items" => ("评分项", "Items"),
        "score" => ("分数", "Score"),
        "title" => ("标题", "Title"),
        "questions" => ("其他问法", "Other phrasings"),
        "tags" => ("标签", "Tags"),
        "review_by" => ("复核日期", "Review by"),
        "original_id" => ("原工单编号", "Original ticket"),
        "username" => ("用户名", "Username"),
        "password" => ("密码", "Password"),
        "file" => ("文件", "File"),
        "result" => ("办理结果", "Handling result"),
        "status" => ("工单状态", "Ticket status"),
        // Admin and supervisor pages
        "name" => ("名称", "Name"),
        "code" => ("编码", "Code"),
        "time_zone" => ("时区", "Time zone"),
        "address" => ("地址", "Address"),
        "number" => ("房号", "Room number"),
        "unit" => ("单元", "Unit"),
        "floor" => ("楼层", "Floor"),
        "area_m2" => ("面积", "Area"),
        "role" => ("角色", "Role"),
        "tier" => ("服务等级", "Service tier"),
        "project_ids" => ("所属项目", "Projects"),
        "skills" => ("技能", "Skills"),
        "webhook_key" => ("Webhook 地址或 key", "Webhook address or key"),
        "label_zh" => ("中文名称", "Chinese name"),
        "label_en" => ("英文名称", "English name"),
        "follow_up_policy" => ("回访方式", "Follow-up"),
        "dispatch_mode" => ("派单方式", "Dispatch mode"),
        "member_ids" => ("成员", "Members"),
        "building_ids" => ("楼栋", "Buildings"),
        "targets" => ("时限目标", "Targets"),
        "warn_at_percent" => ("预警点", "Warnings"),
        "escalation" => ("升级规则", "Escalation"),
        "calendar_id" => ("工作日历", "Calendar"),
        "date" => ("日期", "Date"),
        "important_dates" => ("重要日期", "Important dates"),
        "preferences" => ("联系偏好", "Preferences"),
        "butler_id" => ("管家", "Butler"),
        "hours" | "weekly_hours" => ("工作时间", "Business hours"),
        "active" => ("状态", "State"),
        "overall" => ("总体满意度", "Overall"),
        // `terms[2].target`: a scorecard scheme's.
        "terms" => ("考核方案", "Scheme"),
        listed if listed.starts_with("charges") || listed.starts_with("materials") => {
            return list_row(lang, listed);
        }
        "confirm" => ("确认完工", "Confirm the finish"),
        "photos" => (
            "完工照片（本类工单要求的数量）",
            "Photos of the work (as many as the category asks)",
        ),
        "min_photos" => ("完工照片数量", "Photos required"),
        "answers" => ("答题", "Answers"),
        "pass_mark" => ("及格分", "Pass mark"),
        "max_attempts" => ("可考次数", "Attempts allowed"),
        "certificate_months" => ("证书有效月数", "Certificate months"),
        "lessons" => ("课节", "Lessons"),
        "checklist" => ("带教清单", "Checklist"),
        "mentor_id" => ("导师", "Mentor"),
        "requirements" => ("必修要求", "Requirements"),
        "display_name" => ("对住户显示的名称", "Name residents see"),
        "app_id" => ("开发者ID (AppID)", "Developer ID (AppID)"),
        "app_secret" => ("开发者密码 (AppSecret)", "Developer password (AppSecret)"),
        "token" => ("令牌 (Token)", "Token"),
        "encoding_aes_key" => (
            "消息加解密密钥 (EncodingAESKey)",
            "Message key (EncodingAESKey)",
        ),
        // `skills[0]`, `weekly_hours.2`: the field they belong to.
        other => match other.split_once(['[', '.']) {
            Some((base, _)) if !base.is_empty() => return self::field(lang, base),
            _ => return other.to_owned(),
        },
    };
    pick(lang, zh, en).to_owned()
}

/// A row of the finish form's materials or paid services, named by its number as the form shows
/// it: `materials.1.quantity` is "使用材料第 2 行的数量" / "Materials, row 2, quantity".
fn list_row(lang: Lang, field: &str) -> String {
    let mut parts = field.split('.');
    let list = match parts.next() {
        Some("charges") => pick(lang, "有偿服务", "Paid services"),
        _ => pick(lang, "使用材料", "Materials"),
    };
    let Some(row) = parts.next().and_then(|i| i.parse::<usize>().ok()) else {
        return list.to_owned();
    };
    let column = match parts.next() {
        Some("name") => pick(lang, "名称", "name"),
        Some("quantity") => pick(lang, "数量", "quantity"),
        Some("unit") => pick(lang, "单位", "unit"),
        Some("price_item_id") => pick(lang, "收费项目", "item"),
        _ => "",
    };
    match (lang, column.is_empty()) {
        (Lang::Zh, true) => format!("{list}第 {} 行", row + 1),
        (Lang::Zh, false) => format!("{list}第 {} 行的{column}", row + 1),
        (_, true) => format!("{list}, row {}", row + 1),
        (_, false) => format!("{list}, row {}, {column}", row + 1),
    }
}

pub fn field_error(lang: Lang, code: FieldErrorCode) -> &'static str {
    crate::words::field_error(lang, code)
}

/// Business time as people say it, in its two largest units: "1 小时 5 分" / "1 h 5 min".
pub fn span(lang: Lang, time: Duration) -> String {
    let minutes = time.num_minutes().abs().max(1);
    let amounts = [minutes / 1440, minutes / 60 % 24, minutes % 60];
    let units = match lang {
        Lang::Zh => ["天", "小时", "分"],
        Lang::En => ["d", "h", "min"],
    };
    let first = amounts.iter().position(|&a| a > 0).unwrap_or(2);
    (first..units.len().min(first + 2))
        .filter(|&i| i == first || amounts[i] > 0)
        .map(|i| format!("{} {}", amounts[i], units[i]))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Time left on a clock, or how far past due it is: "剩 12 分" / "超时 1 小时 5 分".
pub fn remaining(lang: Lang, left: Duration) -> String {
    let amount = span(lang, left);
    match (lang, left < Duration::zero()) {
        (Lang::Zh, false) => format!("剩 {amount}"),
        (Lang::Zh, true) => format!("超时 {amount}"),
        (Lang::En, false) => format!("{amount} left"),
        (Lang::En, true) => format!("{amount} overdue"),
    }
}

/// "近 30 天" / "Last 30 days".
pub fn last_days(lang: Lang, days: u32) -> String {
    match lang {
        Lang::Zh => format!("近 {days} 天"),
        Lang::En => format!("Last {days} days"),
    }
}

/// A share as a percentage, or the "unknown" dash when there was nothing to count.
pub fn percent(lang: Lang, share: Option<f64>) -> String {
    share.map_or_else(
        || labels(lang).unknown.to_owned(),
        |s| format!("{:.1}%", s * 100.0),
    )
}

/// What is wrong with a cell of an imported file.
pub fn import_fault(
    lang: Lang,
    column: super::place_rows::Column,
    fault: &super::place_rows::Fault,
    whole_file: bool,
) -> String {
    use super::place_rows::Fault;
    let t = labels(lang);
    match fault {
        Fault::Rule(guanjia_domain::validation::FieldErrorCode::Required) if whole_file => {
            t.column_missing.to_owned()
        }
        Fault::Rule(code) => field_error(lang, *code).to_owned(),
        Fault::NotAChoice => format!(
            "{}{}",
            t.one_of,
            column
                .choices(lang)
                .collect::<Vec<_>>()
                .join(if lang == Lang::Zh { "、" } else { ", " })
        ),
        Fault::NotANumber => t.not_a_number.to_owned(),
        Fault::PhoneTaken { registered_name } => match lang {
            Lang::Zh => format!("该房间已用此号码登记了住户“{registered_name}”"),
            Lang::En => {
                format!("this room already has this phone, registered to {registered_name}")
            }
        },
    }
}

/// A warning or escalation on the timeline, with the names of those told:
/// "首次响应时限已用 80%，已提醒 张主管" / "解决时限超时 1 小时 20 分，升级至第 2 级：李经理".
/// Recipients the reader cannot see (a company-wide manager) are counted under the rung's role.
pub fn sla_notice(lang: Lang, notice: &super::sla_notice::SlaNotice, names: &[String]) -> String {
    let mut told: Vec<String> = names.to_vec();
    let unseen = notice.told.len().saturating_sub(names.len());
    if unseen > 0 {
        let role = notice
            .role
            .map_or(pick(lang, "同事", "colleague"), |r| self::role(lang, r));
        told.push(match lang {
            Lang::Zh => format!("{role} {unseen} 人"),
            Lang::En => format!("{unseen} × {role}"),
        });
    }
    let told = match (told.is_empty(), lang) {
        (true, Lang::Zh) => "无人可通知".to_owned(),
        (true, Lang::En) => "nobody to tell".to_owned(),
        (false, Lang::Zh) => told.join("、"),
        (false, Lang::En) => told.join(", "),
    };
    let clock = notice.clock.map(|c| self::clock(lang, c));
    let late = notice.late.map(|late| span(lang, late));
    match (lang, notice.level, clock) {
        (Lang::Zh, None, clock) => format!(
            "{}时限已用 {}%，已提醒 {told}",
            clock.unwrap_or_default(),
            notice.percent.unwrap_or_default()
        ),
        (Lang::En, None, clock) => format!(
            "{}: {}% of the time used; told {told}",
            clock.unwrap_or("Deadline"),
            notice.percent.unwrap_or_default()
        ),
        (Lang::Zh, Some(level), None) => format!("升级至第 {level} 级：{told}"),
        (Lang::En, Some(level), None) => format!("Escalated to level {level}: {told}"),
        (Lang::Zh, Some(level), Some(clock)) => match late {
            Some(late) => format!("{clock}时限超时 {late}，升级至第 {level} 级：{told}"),
            None => format!("{clock}时限已超时，升级至第 {level} 级：{told}"),
        },
        (Lang::En, Some(level), Some(clock)) => match late {
            Some(late) => format!("{clock} {late} overdue; escalated to level {level}: {told}"),
            None => format!("{clock} overdue; escalated to level {level}: {told}"),
        },
    }
}

/// "共 123 条" / "123 tickets".
pub fn total(lang: Lang, count: u64) -> String {
    let t = labels(lang);
    [t.total_prefix, &count.to_string(), t.total_suffix]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What an API key may do, in words.
pub fn api_scope(lang: Lang, scope: guanjia_domain::machine::api_key::ApiScope) -> &'static str {
    use guanjia_domain::machine::api_key::ApiScope as S;
    let (zh, en) = match scope {
        S::TicketsRead => ("读取工单", "Read tickets"),
        S::TicketsWrite => ("创建和处理工单", "Open and act on tickets"),
        S::HotlineWrite => ("提交12345工单", "Hand in 12345 orders"),
        S::IotWrite => ("上报设备告警", "Report device alarms"),
        S::CallsWrite => ("上报来电事件", "Report call events"),
        S::ResidentsRead => ("读取住户", "Read residents"),
        S::PlacesRead => ("读取项目与房屋", "Read projects and rooms"),
        S::FiguresRead => ("读取服务指标", "Read service figures"),
    };
    pick(lang, zh, en)
}

/// What a webhook subscription hears of, in words.
pub fn webhook_event(
    lang: Lang,
    event: guanjia_domain::machine::webhook::WebhookEvent,
) -> &'static str {
    use guanjia_domain::machine::webhook::WebhookEvent as E;
    let (zh, en) = match event {
        E::TicketCreated => ("工单创建", "Ticket created"),
        E::TicketStatusChanged => ("工单状态变化", "Ticket status changed"),
        E::TicketAssigned => ("工单派给某人", "Ticket assigned"),
        E::TicketCommented => ("工单备注", "Ticket commented"),
        E::TicketRated => ("工单评价", "Ticket rated"),
        E::SlaWarning => ("时限预警", "Deadline warning"),
        E::SlaBreached => ("时限超时", "Deadline breached"),
        E::IncidentOpened => ("事件形成", "Incident opened"),
        E::IncidentClosed => ("事件关闭", "Incident closed"),
        E::AnnouncementSent => ("公告发出", "Announcement sent"),
    };
    pick(lang, zh, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_both_languages() {
        let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for (zh, en) in pairs() {
            assert!(
                !zh.is_empty() || en.is_empty(),
                "a label is missing its Chinese: {en}"
            );
            // The language switch names the other language in that language.
            assert!(
                !chinese(en) || en == "中文",
                "English label is not English: {en}"
            );
        }
    }

    #[test]
    fn time_reads_like_a_person_says_it() {
        assert_eq!(remaining(Lang::Zh, Duration::minutes(12)), "剩 12 分");
        assert_eq!(
            remaining(Lang::Zh, Duration::minutes(-65)),
            "超时 1 小时 5 分"
        );
        assert_eq!(remaining(Lang::Zh, Duration::minutes(120)), "剩 2 小时");
        assert_eq!(remaining(Lang::Zh, Duration::hours(49)), "剩 2 天 1 小时");
        assert_eq!(remaining(Lang::En, Duration::seconds(-20)), "1 min overdue");
        assert_eq!(remaining(Lang::En, Duration::minutes(61)), "1 h 1 min left");
        assert_eq!(total(Lang::Zh, 3), "共 3 条");
        assert_eq!(total(Lang::En, 3), "3 tickets");
    }

    #[test]
    fn a_warning_or_escalation_names_its_clock_lateness_level_and_people() {
        use super::super::sla_notice::SlaNotice;
        let warning = SlaNotice {
            clock: Some(ClockName::FirstResponse),
            percent: Some(80),
            late: None,
            level: None,
            told: vec!["s1".into()],
            role: None,
        };
        assert_eq!(
            sla_notice(Lang::Zh, &warning, &["张主管".into()]),
            "首次响应时限已用 80%，已提醒 张主管"
        );
        assert_eq!(
            sla_notice(Lang::En, &warning, &["张主管".into()]),
            "First response: 80% of the time used; told 张主管"
        );
        let escalation = SlaNotice {
            clock: Some(ClockName::Resolution),
            percent: None,
            late: Some(Duration::minutes(80)),
            level: Some(2),
            told: vec!["m1".into(), "m2".into(), "m3".into()],
            role: Some(Role::Manager),
        };
        assert_eq!(
            sla_notice(Lang::Zh, &escalation, &["李经理".into(), "王经理".into()]),
            "解决时限超时 1 小时 20 分，升级至第 2 级：李经理、王经理、经理 1 人"
        );
        assert_eq!(
            sla_notice(
                Lang::En,
                &SlaNotice {
                    told: vec![],
                    ..escalation
                },
                &[]
            ),
            "Resolution 1 h 20 min overdue; escalated to level 2: nobody to tell"
        );
        let risk = SlaNotice {
            clock: None,
            percent: None,
            late: None,
            level: Some(1),
            told: vec!["s1".into()],
            role: Some(Role::Supervisor),
        };
        assert_eq!(
            sla_notice(Lang::Zh, &risk, &["张主管".into()]),
            "升级至第 1 级：张主管"
        );
    }

    #[test]
    fn a_refused_row_of_the_finish_form_is_named_by_its_number() {
        assert_eq!(
            field(Lang::Zh, "materials.1.quantity"),
            "使用材料第 2 行的数量"
        );
        assert_eq!(
            field(Lang::En, "charges.0.price_item_id"),
            "Paid services, row 1, item"
        );
        assert_eq!(field(Lang::Zh, "materials"), "使用材料");
        assert_eq!(field(Lang::En, "materials.2"), "Materials, row 3");
    }

    #[test]
    fn english_status_words_say_what_the_chinese_say() {
        assert_eq!(
            (
                status(Lang::Zh, Status::Resolved),
                status(Lang::En, Status::Resolved)
            ),
            ("待回访", "Awaiting follow-up")
        );
        assert_eq!(
            (
                status(Lang::Zh, Status::Reopened),
                status(Lang::En, Status::Reopened)
            ),
            ("整改中", "Under rectification")
        );
    }
}
