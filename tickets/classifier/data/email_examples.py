"""Email-style training examples written for Cootrack: the substance of each ticket (CORES, written by the
project's developers) put into the shapes real support email has (greetings, signatures, disclaimers, "Re:"
subjects, quoted replies). Run it to regenerate the `cootrack-email` rows of training.csv:

    python tickets/classifier/data/email_examples.py > /tmp/email.csv

The output is deterministic (fixed seed)."""

import csv
import random
import sys

# (title, body, category, priority): the substance of each email.
CORES = [
    # ---- billing
    (
        "Double charge on invoice INV-20431",
        "Our company card was charged twice for invoice INV-20431 (EUR 1,240.00) on 3 March. Both transactions appear on our bank statement. Please refund the duplicate charge; our finance team needs the correction before the month-end close on Friday.",
        "billing",
        "high",
    ),
    (
        "Question about next invoice amount",
        "I would like to understand how the amount of our next invoice is calculated. We added two seats in the middle of the month and I am not sure whether they are billed pro rata. Could you explain how this works?",
        "billing",
        "low",
    ),
    (
        "Subscription renewed after cancellation",
        "We cancelled our annual subscription on 12 January, and the confirmation email is attached, yet the plan renewed yesterday and USD 4,800 was taken from our account. Please reverse the renewal and refund the payment as soon as possible.",
        "billing",
        "high",
    ),
    (
        "VAT missing on invoices",
        "The invoices we receive do not show our VAT identification number, which our accountants require. Could you add it to future invoices and reissue the last three? Our VAT number is DE123456789.",
        "billing",
        "medium",
    ),
    (
        "Payment failing at checkout for all our customers",
        'Since 8:00 this morning every payment on our online shop fails with the message "transaction declined by gateway". None of our customers can pay and we are losing orders every minute. We have checked our merchant account and it is active. Please treat this as an emergency.',
        "billing",
        "critical",
    ),
    (
        "Refund status for order 88231",
        "Two weeks ago you confirmed a refund for order 88231, but the money has not arrived on my card. Could you check the status of the refund and send me the transaction reference?",
        "billing",
        "medium",
    ),
    (
        "Unexpected price increase",
        "Our monthly fee went from 49 to 79 euros without any notice. Nothing in our contract mentions an increase. Please explain the change and correct the invoice if it was a mistake.",
        "billing",
        "medium",
    ),
    (
        "Request for a copy of invoices",
        "For our annual audit I need copies of all invoices issued to our company in 2024. Could you send them as PDF files or tell me where I can download them in the portal?",
        "billing",
        "low",
    ),
    (
        "Overcharged for unused licences",
        "We were billed for 150 user licences but only 95 are assigned in the admin console. This has been the case for the last four invoices. Please audit our licence count and credit the difference.",
        "billing",
        "high",
    ),
    (
        "Card expired, how to update payment method",
        "My credit card expires at the end of this month. How do I add a new card so that the next payment goes through without interruption?",
        "billing",
        "low",
    ),
    (
        "Invoice sent to the wrong address",
        "Our invoices are still addressed to our old office in Lyon although we updated the billing address in the portal in February. Please correct the address and resend invoice 2025-0193.",
        "billing",
        "medium",
    ),
    (
        "Direct debit rejected",
        "The bank rejected the direct debit for our March invoice because the mandate reference is wrong. We have not changed bank details. Could you check the mandate on your side and tell us how to pay the open amount without late fees?",
        "billing",
        "medium",
    ),
    (
        "Charged after free trial ended without consent",
        "I signed up for the free trial and cancelled on day 12, but on day 15 my card was charged USD 299. I never agreed to continue. I want a full refund immediately, otherwise I will dispute the charge with my bank.",
        "billing",
        "high",
    ),
    (
        "Discount not applied to renewal",
        "Our renewal quote included the 20 percent non-profit discount, but the invoice we received is at full price. Please apply the discount and send a corrected invoice.",
        "billing",
        "medium",
    ),
    (
        "Billing discrepancy after plan migration",
        "After you migrated our workspace to the new pricing plan, the invoice lists both the old and the new plan for the same period. The platform itself works fine; only the billing is wrong. Please remove the old plan from the invoice and refund the overlap.",
        "billing",
        "high",
    ),
    (
        "Payment confirmation needed",
        "We paid invoice INV-77812 by bank transfer on 4 April. Can you confirm that you received it? Our system still shows the invoice as unpaid.",
        "billing",
        "low",
    ),
    (
        "Tax exemption certificate",
        "Our organisation is exempt from sales tax. I have attached our exemption certificate. Please update our account so that future invoices no longer include tax, and tell me whether past tax can be refunded.",
        "billing",
        "medium",
    ),
    (
        "All invoices since January are wrong",
        "Every invoice since January charges us for the Enterprise tier while we are on Business. That is a difference of about 3,600 dollars so far. Our CFO has asked for this to be fixed urgently and for a credit note covering all affected months.",
        "billing",
        "high",
    ),
    (
        "How does annual billing work",
        "We are considering switching from monthly to annual billing. Is there a discount, and what happens to the remaining days of the current month if we switch now?",
        "billing",
        "low",
    ),
    (
        "Refund for cancelled conference tickets",
        "The conference was cancelled by the organisers, but the three tickets we bought through your platform have not been refunded yet. Order numbers 5521, 5522 and 5523. Please process the refunds.",
        "billing",
        "medium",
    ),
    (
        "Payment page shows an error when paying the invoice",
        'When I try to pay invoice 3309 online, the payment page shows "Error 500" after I enter my card details. I tried two different cards and two browsers. The invoice is due tomorrow; can you send me a payment link that works or extend the due date?',
        "billing",
        "high",
    ),
    (
        "Currency on invoice",
        "Our invoices are issued in US dollars but our contract is in euros. Could you switch the billing currency to EUR from the next invoice on?",
        "billing",
        "low",
    ),
    (
        "Late fee charged by mistake",
        "A late payment fee of 35 euros was added to our invoice although we paid on time, as the bank statement shows. Please remove the fee.",
        "billing",
        "medium",
    ),
    (
        "Purchase order number on invoices",
        "Our procurement department requires our purchase order number PO-4471 on every invoice, otherwise the invoice cannot be paid. Please add it and reissue the current invoice.",
        "billing",
        "medium",
    ),
    (
        "Fraudulent charges on our account",
        "We noticed eleven charges on our account this week that nobody in our company made, totalling more than 9,000 euros. We suspect someone is using our stored payment method. Please block the payment method and investigate immediately.",
        "billing",
        "critical",
    ),
    (
        "Pricing for additional storage",
        "What would it cost to add 500 GB of extra storage to our current plan? Please send a quote if possible.",
        "billing",
        "low",
    ),
    (
        "Credit note not received",
        "You promised a credit note for the service outage last month. We have not received it, and the new invoice does not show any credit. Could you check?",
        "billing",
        "medium",
    ),
    (
        "Wrong company name on receipts",
        "The receipts show our former company name. We changed our legal name in May; the registration document is attached. Please update the name for receipts and invoices.",
        "billing",
        "low",
    ),
    (
        "Payroll payments not processed",
        "The salary payments we scheduled through your payment service for today were not executed. 240 employees expect their salaries this afternoon. The dashboard shows the batch as pending with no error. This is extremely urgent.",
        "billing",
        "critical",
    ),
    (
        "Cannot download invoice PDF",
        "The download button for invoices in the billing section returns an empty file. I need the PDF of invoice 1182 for our bookkeeping by the end of the week.",
        "billing",
        "medium",
    ),
    (
        "Billing contact change",
        "Please send all future invoices to accounts@example.org instead of my personal address. I am no longer responsible for payments in our team.",
        "billing",
        "low",
    ),
    (
        "Subscription downgrade still billed at the old price",
        "We downgraded from the Pro plan to the Starter plan on 1 June, and the system confirmed it, but the June invoice still bills the Pro price. Please correct the invoice and refund the difference.",
        "billing",
        "medium",
    ),
    (
        "Refund request for accidental upgrade",
        "One of our users upgraded our workspace to the premium plan by mistake this morning. We would like to undo the upgrade and get the charge of 1,150 dollars refunded.",
        "billing",
        "medium",
    ),
    (
        "Installment plan for overdue balance",
        "Our non-profit has an overdue balance of 2,300 euros. Would it be possible to pay it in three monthly installments so that our service is not suspended?",
        "billing",
        "medium",
    ),
    (
        "Chargeback notice received",
        "We received a chargeback notice from our bank for a payment we made to you in good faith. We do not understand why. Can you explain what happened and whether our account is at risk?",
        "billing",
        "high",
    ),
    # ---- technical
    (
        "Application crashes on startup after update",
        "Since installing version 5.2 yesterday, the desktop application closes immediately after the splash screen on all of our Windows 11 machines. Reinstalling did not help. Our team of 30 people cannot work. Please advise urgently.",
        "technical",
        "critical",
    ),
    (
        "Report export produces empty file",
        "Exporting the monthly sales report to Excel produces an empty file, while the export to PDF works. We use the PDF for now, but our analysts need the Excel version for their models.",
        "technical",
        "medium",
    ),
    (
        "Integration with our CRM stopped syncing",
        "The integration between your platform and our CRM stopped synchronising contacts three days ago. No error is shown, but new leads no longer appear in the CRM. We restarted the connector and re-entered the API key without success.",
        "technical",
        "high",
    ),
    (
        "Website down",
        "Our website hosted with you returns a 503 error for every visitor since 6:40 this morning. Our online bookings are completely stopped. Please investigate immediately.",
        "technical",
        "critical",
    ),
    (
        "Slow dashboard loading",
        "The analytics dashboard takes over a minute to load since last week. It used to load in a few seconds. The data is correct once it appears, so we can still work, but it is frustrating.",
        "technical",
        "medium",
    ),
    (
        "Possible data breach",
        "Our security team detected logins to our workspace from unknown IP addresses in another country overnight, and several patient records were exported. We have disabled the affected accounts. We need your help to investigate the breach right away.",
        "technical",
        "critical",
    ),
    (
        "Printer driver for macOS",
        "Is there a printer driver for macOS Sonoma for the label printer you sold us? The one on the website is for older versions.",
        "technical",
        "low",
    ),
    (
        "Mobile app freezes when uploading photos",
        "The Android app freezes when I upload more than five photos at once. Uploading them one by one works. Phone: Pixel 7, app version 3.4.1.",
        "technical",
        "medium",
    ),
    (
        "API returns 500 errors intermittently",
        "About one in ten requests to the orders endpoint of your API returns HTTP 500 since Tuesday. Our nightly import fails halfway and we have to rerun it manually. Request IDs are below.",
        "technical",
        "high",
    ),
    (
        "Guidance on configuring single sign-on",
        "We would like to configure single sign-on with Azure AD for our staff. Could you point us to documentation or explain the required settings?",
        "technical",
        "low",
    ),
    (
        "Data lost after synchronisation",
        "After last night's synchronisation, all project files from March are missing from our shared workspace. The recycle bin is empty. This is critical for a client delivery tomorrow; please help us restore the data.",
        "technical",
        "critical",
    ),
    (
        "Emails from the platform go to spam",
        "Notifications sent by your platform land in our spam folder. We added your domain to the safe senders list but it keeps happening. Can you check your SPF and DKIM records?",
        "technical",
        "medium",
    ),
    (
        "Feature question: scheduled reports",
        "Is it possible to schedule reports so that they are emailed every Monday morning to our managers? I could not find the option in the settings.",
        "technical",
        "low",
    ),
    (
        "VPN connection drops every hour",
        "The VPN client disconnects every hour for all of our remote employees since the update on Monday. They can reconnect, but it interrupts calls and uploads. Logs are attached.",
        "technical",
        "high",
    ),
    (
        "Search does not find recent documents",
        "The search function does not find documents uploaded in the last two days. Older documents are found normally. It looks like the indexing is stuck.",
        "technical",
        "medium",
    ),
    (
        "Security vulnerability in login page",
        "While testing our integration we noticed that the login page of your portal accepts passwords in the URL and logs them. We consider this a security vulnerability and would like it fixed quickly.",
        "technical",
        "high",
    ),
    (
        "Laptop overheating after firmware update",
        "Since the firmware update the laptop you supplied becomes very hot and the fan runs constantly, even when idle. Battery life dropped to two hours. Can you help?",
        "technical",
        "medium",
    ),
    (
        "Cannot connect to the database from our server",
        'Our production server can no longer connect to the managed database since 02:00. The error is "connection refused". All our services depend on it and are down. We need immediate assistance.',
        "technical",
        "critical",
    ),
    (
        "Minor display issue in the calendar",
        "In the calendar week view, event titles longer than twenty characters overlap the next column. It is cosmetic and not urgent; just letting you know.",
        "technical",
        "low",
    ),
    (
        "Webhook deliveries delayed",
        "Webhook deliveries to our endpoint arrive with a delay of up to forty minutes since yesterday. Our order confirmations are sent late to customers as a result.",
        "technical",
        "high",
    ),
    (
        "Error when importing CSV file",
        'When I import our product list as a CSV file, the import stops at line 1,204 with "unexpected error". The file opens correctly in Excel. Could you tell me what is wrong?',
        "technical",
        "medium",
    ),
    (
        "Request for system requirements",
        "Before we roll out your software to our clinics, could you send the minimum system requirements for the workstations and the server?",
        "technical",
        "low",
    ),
    (
        "Two-factor codes not arriving",
        "The two-factor authentication codes sent by SMS have stopped arriving for our team in Spain. Nobody in that office can log in this morning.",
        "technical",
        "critical",
    ),
    (
        "Backup job failing",
        'The nightly backup job has failed for the last three nights with the error "quota exceeded", although our storage usage is at 60 percent. We are worried about running without backups.',
        "technical",
        "high",
    ),
    (
        "Performance degradation in data processing",
        "Our data processing pipelines have become about three times slower since your maintenance window on Sunday. The investment reports for our clients are delivered late. We restarted the workers and checked our own code without finding a cause.",
        "technical",
        "high",
    ),
    (
        "How to enable dark mode",
        "Hello, is there a way to enable a dark theme in the web app? My eyes would thank you. Not urgent at all.",
        "technical",
        "low",
    ),
    (
        "Video calls have no audio",
        "In video calls started from the web app, participants cannot hear each other. Chat and video work. We tried Chrome and Firefox on several computers.",
        "technical",
        "high",
    ),
    (
        "Tablet cannot be updated",
        'The tablet we bought from you shows "update failed" every time we try to install the latest system update. It still works with the old version.',
        "technical",
        "medium",
    ),
    (
        "Server outage affecting several departments",
        "Since this morning the file server is unreachable from the finance, HR and sales departments. Several hundred employees cannot open their documents. We have restarted the network switches without success.",
        "technical",
        "critical",
    ),
    (
        "Advice on securing our devices",
        "We would appreciate advice on the best practices to secure the laptops and tablets used by our field staff. Do you offer documentation or a consultation?",
        "technical",
        "low",
    ),
    (
        "Broken link in the help centre",
        "The link to the installation guide in your help centre returns a 404 page. Just a heads-up.",
        "technical",
        "low",
    ),
    (
        "Sync between mobile and desktop fails",
        "Notes created on the mobile app do not appear on the desktop app anymore. Logging out and in again did not help. I rely on this for my daily work.",
        "technical",
        "medium",
    ),
    (
        "Checkout page broken after your deployment",
        "After your deployment last night our checkout page shows a blank screen on Safari and on iPhones. Roughly half of our customers use these browsers, so our sales are down sharply.",
        "technical",
        "critical",
    ),
    (
        "Unable to print from the terminal",
        "The point-of-sale terminal in our second shop cannot print receipts since Friday. The printer works from other devices. We give handwritten receipts for now.",
        "technical",
        "medium",
    ),
    (
        "Timeout when generating large reports",
        "Generating the yearly report times out after five minutes. Smaller reports are fine. We need the yearly report for a board meeting next Thursday.",
        "technical",
        "high",
    ),
    # ---- account
    (
        "Cannot log in after password reset",
        "I reset my password yesterday, but the new password is rejected and the reset email does not arrive anymore. I have been locked out of my account for a day.",
        "account",
        "high",
    ),
    (
        "Please remove a former employee's access",
        "One of our employees left the company today. Please remove her access to our workspace and transfer her projects to her manager, Tom Becker.",
        "account",
        "high",
    ),
    (
        "Change the email address of my account",
        "I would like to change the email address of my account from my old work address to my new one. How can I do that?",
        "account",
        "low",
    ),
    (
        "Whole team locked out",
        'None of the 25 members of our team can log in since this morning; the login page says "account suspended". We have paid all invoices. We cannot work at all, please restore access immediately.',
        "account",
        "critical",
    ),
    (
        "Merge two accounts",
        "I accidentally created two accounts with different email addresses. Can you merge them so that all my projects are in one place?",
        "account",
        "low",
    ),
    (
        "Delete my account and data",
        "Please close my account and delete all personal data you hold about me, as allowed under the GDPR. Confirm by email when it is done.",
        "account",
        "medium",
    ),
    (
        "Admin rights for a new manager",
        "Our new office manager needs administrator rights in our company account so she can add users. Her user name is l.weber. Please grant the rights or tell me how to do it myself.",
        "account",
        "medium",
    ),
    (
        "Two-factor device lost",
        "I lost my phone with the authenticator app and cannot log in to my account. How can I recover access? I can prove my identity.",
        "account",
        "high",
    ),
    (
        "Update company profile details",
        "Could you update our company profile with our new phone number and website address? The old ones are no longer valid.",
        "account",
        "low",
    ),
    (
        "Suspicious login notification",
        "I received a notification about a login to my account from a country I have never visited. I have changed my password. Could you check whether anything was changed in my account?",
        "account",
        "high",
    ),
    (
        "Transfer account ownership",
        "I am leaving the organisation and need to transfer ownership of our account to my colleague Anna Schmidt before the end of the month. What is the procedure?",
        "account",
        "medium",
    ),
    ("Username change", "Is it possible to change my username? It still contains my maiden name.", "account", "low"),
    (
        "Invitation link expired",
        "The invitation link I received to join my team's workspace has expired. Could you send a new one or ask the admin to do so?",
        "account",
        "medium",
    ),
    (
        "Account deactivated by mistake",
        "Our account was deactivated this morning, apparently by mistake, and our customers cannot reach our booking page. Please reactivate it as soon as possible.",
        "account",
        "critical",
    ),
    (
        "Reset permissions for a user",
        "A user in our account, j.martin, can no longer see the shared folders he used to access. We did not change his role. Could you check his permissions?",
        "account",
        "medium",
    ),
    (
        "Create accounts for new hires",
        "We have six new employees starting next Monday. Could you create accounts for them, or send me instructions for bulk creating users?",
        "account",
        "medium",
    ),
    # ---- general
    (
        "Feedback on your support",
        "I just wanted to say thank you to Marco from your support team, who solved our issue quickly and patiently last week.",
        "general",
        "low",
    ),
    (
        "Partnership inquiry",
        "We are a consulting firm working with hospitals and would like to discuss a partnership to resell your services. Who would be the right person to contact?",
        "general",
        "low",
    ),
    (
        "Opening hours during the holidays",
        "What are your support opening hours between Christmas and New Year?",
        "general",
        "low",
    ),
    (
        "Unsubscribe from newsletter",
        "Please remove my address from your newsletter. I receive three emails a week and no longer need them.",
        "general",
        "low",
    ),
    (
        "Complaint about response time",
        "I opened a request two weeks ago and nobody has replied yet. This is not the service we expected. Please have someone contact me.",
        "general",
        "medium",
    ),
    (
        "Request for a product demo",
        "Our team would like a demo of your analytics product next week. We are especially interested in the reporting features.",
        "general",
        "low",
    ),
    (
        "Speak to an account manager",
        "I would like to speak to our account manager about extending our contract to two more offices. Could you arrange a call?",
        "general",
        "medium",
    ),
    (
        "Suggestion for the mobile app",
        "It would be great if the mobile app had a widget showing today's tasks. Just a suggestion for a future version.",
        "general",
        "low",
    ),
    (
        "Where can I find your privacy policy",
        "Where can I find your current privacy policy and the list of sub-processors? Our data protection officer asked for them.",
        "general",
        "low",
    ),
    (
        "Conference sponsorship",
        "We are organising a healthcare IT conference in October and would like to invite you to be a sponsor. Who handles sponsorship requests?",
        "general",
        "low",
    ),
    (
        "Complaint about a rude agent",
        "The agent I spoke to on the phone yesterday was rude and hung up on me. I would like to file a formal complaint.",
        "general",
        "medium",
    ),
    (
        "Question about your company's sustainability",
        "For our supplier assessment we need information about your environmental policy and certifications. Could you send it?",
        "general",
        "low",
    ),
    (
        "Training sessions for our staff",
        "Do you offer training sessions for new users? We have a group of fifteen people who would benefit from an introduction.",
        "general",
        "low",
    ),
    (
        "Press inquiry",
        "I am a journalist writing about software for small clinics and would like to interview someone from your company. Is that possible this week?",
        "general",
        "medium",
    ),
]


rng = random.Random(17)
GREETINGS = [
    "Dear Customer Support Team,",
    "Hello,",
    "Hi support team,",
    "Good morning,",
    "Dear Sir or Madam,",
    "Hello Support,",
    "Hi,",
    "Dear support,",
    "",
]
OPENERS = [
    "I hope this message finds you well.",
    "I am writing to you regarding the following matter.",
    "I am reaching out about an issue with our account.",
    "",
    "",
    "Thank you for your help in advance.",
    "I am contacting you on behalf of our team.",
]
CLOSINGS = [
    "Thank you for your assistance.",
    "Looking forward to your reply.",
    "Thanks in advance for your help.",
    "I appreciate your prompt attention to this matter.",
    "Please let me know if you need more information.",
    "",
]
SIGNOFFS = ["Best regards,", "Kind regards,", "Regards,", "Many thanks,", "Sincerely,", "Cheers,", "Thanks,"]
NAMES = [
    "Maria Lopez",
    "Daniel Fischer",
    "Aisha Khan",
    "Tom Becker",
    "Sofia Rossi",
    "Liam O'Connor",
    "Yuki Tanaka",
    "Nadia Haddad",
    "Peter Novak",
    "Emma Laurent",
    "Carlos Mendes",
    "Hannah Schulz",
]
ROLES = [
    "Finance Manager",
    "IT Administrator",
    "Office Manager",
    "Head of Operations",
    "Project Lead",
    "Practice Manager",
    "CTO",
    "Accountant",
    "",
]
COMPANIES = [
    "Northwind Clinics",
    "Bluebird Analytics",
    "Harbor Logistics",
    "Greenfield Bank",
    "Atlas Media",
    "Summit Health",
    "Orchid Retail",
    "Pioneer Labs",
]


def signature():
    name, role, company = rng.choice(NAMES), rng.choice(ROLES), rng.choice(COMPANIES)
    lines = [rng.choice(SIGNOFFS), name]
    if role:
        lines.append(f"{role}, {company}")
    if rng.random() < 0.3:
        lines.append(f"Tel. +49 30 {rng.randint(1000000, 9999999)}")
    if rng.random() < 0.2:
        lines += ["--", "This email and any attachments are confidential and intended only for the addressee."]
    return "\n".join(lines)


def quoted(title):
    day = rng.choice(["Mon, 3 Mar 2025", "Tue, 11 Feb 2025", "Wed, 7 May 2025", "Fri, 20 Jun 2025"])
    return (
        f"On {day} at 09:{rng.randint(10, 59)}, Support <support@example.com> wrote:\n"
        f'> Thank you for contacting us about "{title}". We have opened ticket #{rng.randint(10000, 99999)}\n'
        "> and will get back to you shortly."
    )


def email(title, body, variant):
    parts = []
    greeting = rng.choice(GREETINGS)
    if greeting:
        parts.append(greeting)
    opener = rng.choice(OPENERS)
    paragraph = (opener + " " if opener and variant == 0 else "") + body
    parts.append(paragraph)
    closing = rng.choice(CLOSINGS)
    if closing:
        parts.append(closing)
    parts.append(signature())
    if variant == 1 and rng.random() < 0.6:
        parts.append(quoted(title))
    text = "\n\n".join(parts)
    subject = title if variant == 0 else rng.choice(["Re: ", "RE: ", "Fwd: ", ""]) + title
    return subject, text


def rows():
    for title, body, category, priority in CORES:
        for variant in (0, 1):
            subject, text = email(title, body, variant)
            yield [subject, text, category, priority, "cootrack-email"]


if __name__ == "__main__":
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["title", "description", "category", "priority", "source"])
    writer.writerows(rows())
