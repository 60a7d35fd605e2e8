//! Networks pillar (`ZT3xx`): what the internet can reach.

pub mod default_security_group_has_rules;
pub mod network_acl_admin_ports_open;
pub mod security_group_open_to_internet;
