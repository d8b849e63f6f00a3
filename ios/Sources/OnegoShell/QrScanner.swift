@preconcurrency import AVFoundation
import OnegoCore
import SwiftUI
import UIKit

/// Verifier mode's camera: reads the first QR code in view and hands its text to `onScan` (the shell passes it
/// to the core's verifier, which judges it; the text is never logged).
public struct QrScannerView: UIViewControllerRepresentable {
    private let onScan: @MainActor (String) -> Void

    public init(onScan: @escaping @MainActor (String) -> Void) {
        self.onScan = onScan
    }

    public func makeUIViewController(context: Context) -> QrScannerController {
        let controller = QrScannerController()
        controller.onScan = onScan
        return controller
    }

    public func updateUIViewController(_ controller: QrScannerController, context: Context) {
        controller.onScan = onScan
    }
}

/// An `AVCaptureSession` with a metadata output for `.qr` over a full-screen preview.
public final class QrScannerController: UIViewController, AVCaptureMetadataOutputObjectsDelegate {
    var onScan: (@MainActor (String) -> Void)?
    private let camera = Camera()
    private var preview: AVCaptureVideoPreviewLayer?
    private var delivered = false

    override public func viewDidLoad() {
        super.viewDidLoad()
        view.backgroundColor = .black
        Task { await configure() }
    }

    override public func viewDidLayoutSubviews() {
        super.viewDidLayoutSubviews()
        preview?.frame = view.bounds
    }

    override public func viewWillDisappear(_ animated: Bool) {
        super.viewWillDisappear(animated)
        camera.stop()
    }

    private func configure() async {
        // Denied or restricted: the preview stays black and the close button leaves.
        guard await AVCaptureDevice.requestAccess(for: .video),
            let device = AVCaptureDevice.default(for: .video),
            let input = try? AVCaptureDeviceInput(device: device)
        else {
            shellLog.error("camera unavailable for verifier mode")
            return
        }
        let session = camera.session
        let output = AVCaptureMetadataOutput()
        session.beginConfiguration()
        guard session.canAddInput(input), session.canAddOutput(output) else {
            session.commitConfiguration()
            shellLog.error("camera session refused its input or output")
            return
        }
        session.addInput(input)
        session.addOutput(output)
        output.setMetadataObjectsDelegate(self, queue: .main)
        output.metadataObjectTypes = [.qr]
        session.commitConfiguration()

        let layer = AVCaptureVideoPreviewLayer(session: session)
        layer.videoGravity = .resizeAspectFill
        layer.frame = view.bounds
        view.layer.addSublayer(layer)
        preview = layer
        camera.start()
    }

    nonisolated public func metadataOutput(
        _ output: AVCaptureMetadataOutput,
        didOutput metadataObjects: [AVMetadataObject],
        from connection: AVCaptureConnection
    ) {
        let text = metadataObjects
            .compactMap { ($0 as? AVMetadataMachineReadableCodeObject)?.stringValue }
            .first
        guard let text else { return }
        // The delegate queue is the main queue (set above).
        MainActor.assumeIsolated {
            deliver(text)
        }
    }

    private func deliver(_ text: String) {
        guard !delivered else { return }
        delivered = true
        camera.stop()
        UINotificationFeedbackGenerator().notificationOccurred(.success)
        onScan?(text)
    }
}

/// The capture session, started and stopped off the main thread as AVFoundation asks.
private final class Camera: @unchecked Sendable {
    let session = AVCaptureSession()
    private let queue = DispatchQueue(label: "cn.onego.camera")

    func start() {
        queue.async {
            if !self.session.isRunning {
                self.session.startRunning()
            }
        }
    }

    func stop() {
        queue.async {
            if self.session.isRunning {
                self.session.stopRunning()
            }
        }
    }
}

/// The scanner over the whole screen with a way back, labelled in the screen's language.
struct ScannerScreen: View {
    let locale: OnegoCore.Locale
    let minTouchDp: Int32
    let onScan: @MainActor (String) -> Void
    let onClose: () -> Void

    var body: some View {
        ZStack(alignment: .topTrailing) {
            QrScannerView(onScan: onScan)
                .ignoresSafeArea()
                .accessibilityHidden(true)
            Button(action: onClose) {
                Image(systemName: "xmark")
                    .font(.title2.bold())
                    .frame(minWidth: SizeTokens.points(minTouchDp), minHeight: SizeTokens.points(minTouchDp))
                    .foregroundStyle(.white)
                    .background(.black.opacity(0.6), in: Circle())
            }
            .padding()
            .accessibilityLabel(ShellText.closeCamera.text(locale))
        }
    }
}
