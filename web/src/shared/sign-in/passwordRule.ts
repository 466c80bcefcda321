/** The platform's password rule: at least 8 characters from at least 3 of 4 character classes. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MIN_CLASSES = 3;

export interface PasswordCheck {
  isLongEnough: boolean;
  classCount: number;
  isValid: boolean;
}

export function checkPassword(password: string): PasswordCheck {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const isLongEnough = [...password].length >= PASSWORD_MIN_LENGTH;
  return { isLongEnough, classCount: classes, isValid: isLongEnough && classes >= PASSWORD_MIN_CLASSES };
}
