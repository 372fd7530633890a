import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * What is wrong with a text field, or undefined when it is fine: a non-empty string of at most
 * `maxLength` UTF-16 code units that is well-formed Unicode. The rules are checked in this order
 * so that the message names the first one broken.
 */
function textProblem(value: unknown, property: string, maxLength: number): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return `${property} must be a non-empty string.`;
  // `.length`, not class-validator's MaxLength: that one counts a surrogate pair as one character.
  if (value.length > maxLength) return `${property} must be at most ${maxLength} characters.`;
  // A lone UTF-16 surrogate (JSON allows `"\ud800"`) is no text a person typed; refuse it here
  // rather than let it reach key encodings, logs or the password hash.
  if (!value.isWellFormed()) return `${property} must be well-formed Unicode text.`;
  return undefined;
}

/** A required text field a person typed: non-empty, at most `maxLength` characters, no lone surrogates. */
export function IsText(maxLength: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isText',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [maxLength],
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => textProblem(value, args.property, maxLength) === undefined,
        defaultMessage: (args: ValidationArguments) => textProblem(args.value, args.property, maxLength) ?? `${args.property} is not valid.`,
      },
    });
  };
}
