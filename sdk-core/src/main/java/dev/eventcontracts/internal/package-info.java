/**
 * Implementation details shared by the SDK's own packages. Not API: nothing here is covered by
 * compatibility promises, and it may change or disappear in any release without notice.
 */
@NullMarked
package dev.eventcontracts.internal;

import org.jspecify.annotations.NullMarked;
