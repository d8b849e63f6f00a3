package app.onego.android.ui

import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowBack
import androidx.compose.material.icons.automirrored.filled.Help
import androidx.compose.material.icons.filled.Badge
import androidx.compose.material.icons.filled.Check
import androidx.compose.material.icons.filled.Close
import androidx.compose.material.icons.filled.CloudOff
import androidx.compose.material.icons.filled.CreditCard
import androidx.compose.material.icons.filled.Description
import androidx.compose.material.icons.filled.Elderly
import androidx.compose.material.icons.filled.FamilyRestroom
import androidx.compose.material.icons.filled.HourglassTop
import androidx.compose.material.icons.filled.Info
import androidx.compose.material.icons.filled.MedicalServices
import androidx.compose.material.icons.filled.Notifications
import androidx.compose.material.icons.filled.Pause
import androidx.compose.material.icons.filled.Phone
import androidx.compose.material.icons.filled.QrCode
import androidx.compose.material.icons.filled.QrCodeScanner
import androidx.compose.material.icons.filled.Schedule
import androidx.compose.material.icons.filled.Search
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material.icons.filled.Star
import androidx.compose.ui.graphics.vector.ImageVector
import uniffi.onego_core.Icon

/**
 * The core's pictograms in Material's icon set. Icons are decoration: the element's text and its speakable
 * sentence carry the meaning, so they are drawn with no content description of their own.
 */
fun Icon.vector(): ImageVector = when (this) {
    Icon.CHECK -> Icons.Filled.Check
    Icon.CLOCK -> Icons.Filled.Schedule
    Icon.CROSS -> Icons.Filled.Close
    Icon.PAUSE -> Icons.Filled.Pause
    Icon.QUESTION -> Icons.AutoMirrored.Filled.Help
    Icon.INFO -> Icons.Filled.Info
    Icon.OFFLINE -> Icons.Filled.CloudOff
    Icon.PHONE -> Icons.Filled.Phone
    Icon.FAMILY -> Icons.Filled.FamilyRestroom
    Icon.PENSION -> Icons.Filled.Elderly
    Icon.MEDICAL -> Icons.Filled.MedicalServices
    Icon.CARD -> Icons.Filled.CreditCard
    Icon.LICENCE -> Icons.Filled.Badge
    Icon.PROGRESS -> Icons.Filled.HourglassTop
    Icon.SEARCH -> Icons.Filled.Search
    Icon.QR -> Icons.Filled.QrCode
    Icon.SCAN -> Icons.Filled.QrCodeScanner
    Icon.SETTINGS -> Icons.Filled.Settings
    Icon.BELL -> Icons.Filled.Notifications
    Icon.STAR -> Icons.Filled.Star
    Icon.DOCUMENT -> Icons.Filled.Description
    Icon.BACK -> Icons.AutoMirrored.Filled.ArrowBack
}
