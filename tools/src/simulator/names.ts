/**
 * Names for simulated users. The fake Graph API and the simulator both derive a user's name from
 * the PSID alone, so they agree without sharing state, across processes and restarts.
 */
// Whitespace-separated so the lists stay readable (no name contains a space).
const FIRST_NAMES: readonly string[] = `
  Lena Amara Jonas Sofia Mateo Aisha Liam Chloé Yuki Noah Fatima Lucas Zoë Ivan Priya Emma
  Kwame Mia José Hana Oliver Ingrid Omar Léa Chen Sara Diego Nora Ravi Elif Tomás Anna Kofi
  Maja Hugo Leila Søren Ada Minh Grace Arjun Camille Emil Nadia Pablo Ines Kenji Alma Felix
  Zara
`
  .trim()
  .split(/\s+/);

const LAST_NAMES: readonly string[] = `
  Okafor Müller García Nguyen Kowalski Rossi Haddad Tanaka Silva Smith Dubois Andersen Patel
  Kim Mensah Novak Fernández Yilmaz Cohen Ivanova Schmidt Ahmed Lopez Jensen Moreau Chowdhury
  Sato Petrov O'Brien Costa Wang Larsen Bianchi Mbeki Horvat Nakamura Santos Lindqvist Dupont
  Park
`
  .trim()
  .split(/\s+/);

export interface PersonName {
  firstName: string;
  lastName: string;
}

/** A deterministic, realistic name for any PSID (FNV-1a hash of the id picks first and last name). */
export function nameForPsid(psid: string): PersonName {
  let hash = 0x811c9dc5;
  for (let i = 0; i < psid.length; i++) {
    hash ^= psid.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return {
    firstName: FIRST_NAMES[hash % FIRST_NAMES.length]!,
    lastName: LAST_NAMES[Math.floor(hash / FIRST_NAMES.length) % LAST_NAMES.length]!,
  };
}
