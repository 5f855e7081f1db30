//! Staff roles and what each may do.

use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything.
    Admin,
    /// Clients, cars, contracts, invoices, recharges and leads; not staff, audit or
    /// cancelling invoices.
    Ops,
    /// Reads only.
    Viewer,
}

/// What a back-office route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read clients, cars, contracts and leads.
    Read,
    /// Change clients, cars, contracts and leads.
    Operate,
    /// Create, list and deactivate staff; read the audit trail; cancel invoices.
    Administer,
}

impl Role {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "admin" => Some(Self::Admin),
            "ops" => Some(Self::Ops),
            "viewer" => Some(Self::Viewer),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Ops => "ops",
            Self::Viewer => "viewer",
        }
    }

    pub fn allows(self, permission: Permission) -> bool {
        matches!(
            (self, permission),
            (Self::Admin, _)
                | (Self::Ops, Permission::Read | Permission::Operate)
                | (Self::Viewer, Permission::Read)
        )
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Checks a new staff account: a valid email, a name, a known role and a password that
/// keeps the rules. Answers the cleaned email and name and the role, or every failure.
pub fn check_new(
    email: &str,
    name: &str,
    role: &str,
    password: &str,
) -> Result<(String, String, Role), Vec<String>> {
    let mut failures: Vec<String> = Vec::new();
    let email = super::person::email(email)
        .map_err(|e| failures.push(e.to_owned()))
        .ok();
    let name = super::person::name(name)
        .map_err(|e| failures.push(format!("El nombre {e}")))
        .ok();
    let role = Role::parse(role);
    if role.is_none() {
        failures.push("El rol debe ser admin, ops o viewer".to_owned());
    }
    failures.extend(
        super::password::rule_failures(password)
            .into_iter()
            .map(str::to_owned),
    );
    match (email, name, role) {
        (Some(email), Some(name), Some(role)) if failures.is_empty() => Ok((email, name, role)),
        _ => Err(failures),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_gets_what_the_design_gives_it() {
        use Permission::*;
        let table = [
            (Role::Admin, [true, true, true]),
            (Role::Ops, [true, true, false]),
            (Role::Viewer, [true, false, false]),
        ];
        for (role, expected) in table {
            let got = [Read, Operate, Administer].map(|p| role.allows(p));
            assert_eq!(got, expected, "{role}");
        }
    }

    #[test]
    fn new_staff_lists_every_failure() {
        assert_eq!(
            check_new(" Ana@Leasy.PE ", "Ana Ríos", "ops", "clave123"),
            Ok(("ana@leasy.pe".into(), "Ana Ríos".into(), Role::Ops))
        );
        let failures = check_new("ana", "", "root", "x").unwrap_err();
        assert_eq!(failures.len(), 5, "{failures:?}");
    }

    #[test]
    fn roles_round_trip() {
        for role in [Role::Admin, Role::Ops, Role::Viewer] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
