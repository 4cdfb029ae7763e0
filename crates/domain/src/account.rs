//! Rules for user accounts: what a username and a password must look like.

/// What is wrong with a username or password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountRuleError {
    #[error("用户名应为 3 到 32 个字符")]
    UsernameLength,
    #[error("用户名只能包含小写字母、数字、下划线、点和短横线，且以字母或数字开头")]
    UsernameCharacters,
    #[error("密码至少需要 8 个字符")]
    PasswordTooShort,
    #[error("密码不能超过 128 个字符")]
    PasswordTooLong,
    #[error("密码需包含大写字母、小写字母、数字、特殊字符中的至少 3 类")]
    PasswordTooSimple,
    #[error("密码不能包含用户名")]
    PasswordContainsUsername,
}

/// Checks a username: 3–32 characters of `a-z 0-9 _ . -`, starting with a letter or digit.
pub fn check_username(name: &str) -> Result<(), AccountRuleError> {
    if !(3..=32).contains(&name.chars().count()) {
        return Err(AccountRuleError::UsernameLength);
    }
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c);
    let starts_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !starts_ok || !name.chars().all(ok_char) {
        return Err(AccountRuleError::UsernameCharacters);
    }
    Ok(())
}

/// Checks a password against the policy of 等保 level 3: at least 8 characters from at least three
/// of the four classes (upper, lower, digit, other), and not containing the username.
pub fn check_password(username: &str, password: &str) -> Result<(), AccountRuleError> {
    let len = password.chars().count();
    if len < 8 {
        return Err(AccountRuleError::PasswordTooShort);
    }
    if len > 128 {
        return Err(AccountRuleError::PasswordTooLong);
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|x| **x).count() < 3 {
        return Err(AccountRuleError::PasswordTooSimple);
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(AccountRuleError::PasswordContainsUsername);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(check_username("op511702001").is_ok());
        assert!(check_username("zhang.san-2").is_ok());
        assert_eq!(check_username("ab"), Err(AccountRuleError::UsernameLength));
        assert_eq!(
            check_username("Admin"),
            Err(AccountRuleError::UsernameCharacters)
        );
        assert_eq!(
            check_username("_admin"),
            Err(AccountRuleError::UsernameCharacters)
        );
        assert_eq!(
            check_username("张三丰"),
            Err(AccountRuleError::UsernameCharacters)
        );
    }

    #[test]
    fn passwords() {
        assert!(check_password("admin", "Tongchuan#2026").is_ok());
        assert!(check_password("admin", "tongchuan#2026").is_ok());
        assert_eq!(
            check_password("admin", "Ab1!"),
            Err(AccountRuleError::PasswordTooShort)
        );
        assert_eq!(
            check_password("admin", "abcdefgh1"),
            Err(AccountRuleError::PasswordTooSimple)
        );
        assert_eq!(
            check_password("wang", "Wang#2026x"),
            Err(AccountRuleError::PasswordContainsUsername)
        );
        assert_eq!(
            check_password("a", &"Aa1!".repeat(40)),
            Err(AccountRuleError::PasswordTooLong)
        );
    }
}
