//! Residents and their households.

use crate::code::code_enum;

code_enum! {
    /// A resident's relation to the room.
    pub enum ResidentRole ("resident role") {
        Owner = "owner",
        Family = "family",
        Tenant = "tenant",
        Merchant = "merchant",
        /// 企业联系人: who speaks for the company renting an office.
        CompanyContact = "company_contact",
    }
}

code_enum! {
    /// 服务等级: SLA policies may differ by tier.
    pub enum ServiceTier ("service tier") {
        Basic = "basic",
        Premium = "premium",
    }
}

code_enum! {
    /// 班组 / 部门.
    pub enum TeamKind ("team kind") {
        Engineering = "engineering",
        Cleaning = "cleaning",
        Security = "security",
        CustomerService = "customer_service",
        Greening = "greening",
        Other = "other",
    }
}
